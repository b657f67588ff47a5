// The extract stage: ConversationSnapshot → SignalsRecord on leadwire.signals.v1.
// Rules always run. When an LLM extractor is passed as a port, it adds its
// fields; when it fails, the rules result goes out marked `degraded` and the
// conversation is queued (store + wall timer) to be extracted again later with
// its latest snapshot.
import { metrics } from '../../core/metrics.js';
import type { Processor, ProcessorContext, StreamRecord, KeyValueStore, Timer } from '../../topology/processor-api.js';
import type { StoreSpec } from '../../topology/stage.js';
import type { ConversationSnapshot } from '../window/snapshot.js';
import type { SignalCatalog } from './catalog.js';
import { extractRules } from './extract-rules.js';
import type { SignalsRecord, SignalsResult } from './signals-record.js';

export interface LlmExtractOptions {
  /** The catalog the rules ran with: the LLM asks for the same signals. */
  catalog?: SignalCatalog;
  /** Skip the call gate (a re-extraction after an outage). */
  force?: boolean;
}

/** When a degraded conversation is extracted again: backoff between attempts, and when to give up. */
export interface ReextractPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

export const DEFAULT_REEXTRACT: ReextractPolicy = { initialDelayMs: 60_000, maxDelayMs: 30 * 60_000, maxAttempts: 12 };

/**
 * The port the LLM extractor implements (src/processors/extract/llm/).
 * It receives the snapshot and the rules result and returns the merged result,
 * or throws a LeadwireError; the processor then ships the rules result marked degraded.
 */
export interface LlmExtractor {
  readonly model: string;
  readonly promptVersion: string;
  readonly reextract?: ReextractPolicy;
  extract(snapshot: ConversationSnapshot, rules: SignalsResult, opts?: LlmExtractOptions): Promise<SignalsResult>;
}

export interface ExtractPorts {
  catalog: SignalCatalog;
  llm?: LlmExtractor;
}

/** Conversations whose last extraction was degraded: their latest snapshot, waiting for the LLM. */
export const LLM_PENDING_STORE = 'llm-pending';

/** The stores the extract stage needs (declare them in its StageSpec). */
export function extractStores(withLlm: boolean): StoreSpec[] {
  return withLlm ? [{ name: LLM_PENDING_STORE, doc: 'conversations whose signals went out degraded (LLM unavailable): latest snapshot and attempts, re-extracted on a wall timer' }] : [];
}

interface Pending { snapshot: ConversationSnapshot; timestamp: number; attempts: number; revision: number }

const timerId = (conversationId: string) => `llm-reextract:${conversationId}`;

/** Nothing to configure for the rules yet; kept so the stage takes its config section like every other. */
import type { ExtractConfig } from "../../config/schema.js";
export type { ExtractConfig };

function isSnapshot(v: unknown): v is ConversationSnapshot {
  const s = v as ConversationSnapshot | null;
  return !!s && typeof s === 'object' && typeof s.conversationId === 'string' && Number.isInteger(s.version)
    && typeof s.contentHash === 'string' && Array.isArray(s.transcript) && !!s.counters && !!s.language;
}

export function createExtractProcessor(_cfg: ExtractConfig, ports: ExtractPorts): Processor<ConversationSnapshot, SignalsRecord> {
  let ctx!: ProcessorContext<SignalsRecord>;
  const { catalog, llm } = ports;
  const policy = llm?.reextract ?? DEFAULT_REEXTRACT;
  let pending: KeyValueStore<Pending> | undefined;

  async function extract(snap: ConversationSnapshot, force: boolean): Promise<{ result: SignalsResult; rules: SignalsResult; degraded: boolean; now: number }> {
    // Recency is measured on the context clock so replays and tests are deterministic.
    const now = ctx.clock.now();
    const rules = extractRules(snap, catalog, now);
    if (!llm) return { result: rules, rules, degraded: false, now };
    try {
      return { result: await llm.extract(snap, rules, { catalog, force }), rules, degraded: false, now };
    } catch (err) {
      ctx.logger.warn({ conversationId: snap.conversationId, version: snap.version, err: (err as Error).message }, 'LLM extraction failed; shipping rules only');
      return { result: rules, rules, degraded: true, now };
    }
  }

  function emit(snap: ConversationSnapshot, r: { result: SignalsResult; rules: SignalsResult; degraded: boolean; now: number }, timestamp: number, revision: number) {
    const { result, rules, degraded, now } = r;
    const out: SignalsRecord = {
      schema: 'leadwire.signals.v1',
      conversationId: snap.conversationId,
      snapshotVersion: snap.version,
      contentHash: snap.contentHash,
      ...result,
      rulesTier: rules.tier,
      degraded,
      extractor: { rules: catalog.version, llm: llm && !degraded && result.llm !== null ? { model: llm.model, promptVersion: llm.promptVersion } : null },
      revision,
      extractedAt: now,
      contact: snap.contact ?? null,
      lastCustomerMessageAt: snap.lastCustomerMessageAt,
      transcript: snap.transcript.map((m) => ({ id: m.id, role: m.role, body: m.body, createdAt: m.createdAt })),
    };
    ctx.forward({ key: snap.conversationId, value: out, timestamp });
    metrics.recordsOut.inc({ stage: ctx.stage, topic: 'signals' });
  }

  function schedule(conversationId: string, attempts: number) {
    const delay = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempts - 1));
    ctx.timers.schedule({ id: timerId(conversationId), at: ctx.clock.now() + delay, kind: 'wall', key: conversationId });
  }

  /** After an extraction: clear or (re)queue the conversation for re-extraction. */
  function track(snap: ConversationSnapshot, degraded: boolean, timestamp: number, revision: number, attemptsSoFar: number) {
    if (!pending) return;
    const id = snap.conversationId;
    if (!degraded) {
      if (pending.has(id)) { pending.delete(id); ctx.timers.cancel(timerId(id), 'wall'); }
      return;
    }
    const attempts = attemptsSoFar + 1;
    if (attempts > policy.maxAttempts) {
      pending.delete(id);
      ctx.logger.warn({ conversationId: id, attempts: attemptsSoFar }, 'LLM re-extraction given up; the rules result stands until the next snapshot');
      return;
    }
    pending.put(id, { snapshot: snap, timestamp, attempts, revision });
    // A newer degraded snapshot keeps the running backoff instead of restarting it.
    if (!ctx.timers.get(timerId(id), 'wall')) schedule(id, attempts);
  }

  return {
    init(c) {
      ctx = c;
      if (!llm) return;
      try { pending = ctx.getStore<Pending>(LLM_PENDING_STORE); } catch {
        ctx.logger.warn(`extract stage has no '${LLM_PENDING_STORE}' store: degraded records will not be re-extracted until the next snapshot (declare extractStores(true) in the topology)`);
      }
    },

    async process(record: StreamRecord<ConversationSnapshot>) {
      const snap = record.value;
      if (snap === null) return;
      if (!isSnapshot(snap)) {
        ctx.deadLetter({ reason: 'invalid_snapshot', message: 'not a leadwire.conversations.v1 record (conversationId, version, contentHash, transcript, counters, language)' });
        return;
      }
      const r = await extract(snap, false);
      emit(snap, r, record.timestamp, 0);
      const prev = pending?.get(snap.conversationId);
      track(snap, r.degraded, record.timestamp, 0, prev?.attempts ?? 0);
    },

    async onTimer(timer: Timer) {
      if (!pending || timer.kind !== 'wall' || timer.id !== timerId(timer.key)) return;
      const p = pending.get(timer.key);
      if (!p) return;
      const r = await extract(p.snapshot, true);
      if (!r.degraded) {
        // Same snapshot version, next revision: consumers keep the latest revision of a version.
        emit(p.snapshot, r, p.timestamp, p.revision + 1);
        pending.delete(timer.key);
        return;
      }
      const attempts = p.attempts + 1;
      if (attempts > policy.maxAttempts) {
        pending.delete(timer.key);
        ctx.logger.warn({ conversationId: timer.key, attempts: p.attempts }, 'LLM re-extraction given up; the rules result stands until the next snapshot');
        return;
      }
      pending.put(timer.key, { ...p, attempts });
      schedule(timer.key, attempts);
    },

    close() {},
  };
}
