// The extract stage: ConversationSnapshot → SignalsRecord on leadwire.signals.v1.
// Rules always run. When an LLM extractor is passed as a port, it adds its
// fields; when it fails, the rules result goes out marked `degraded` and the
// conversation is queued (store + wall timer) to be extracted again later with
// its latest snapshot.
import type { Processor, ProcessorContext, StreamRecord, KeyValueStore, Timer } from '../../stream/processor-api.js';
import type { StoreSpec } from '../../stream/stage.js';
import type { ConversationSnapshot } from '../../records/conversation-snapshot.js';
import type { SignalCatalog } from './catalog.js';
import { extractRules } from './extract-rules.js';
import { memoAnalyzer } from './message-analyzer.js';
import type { SignalsRecord, SignalsResult } from '../../records/signals-record.js';
import type { ExtractConfig } from '../../config/schema.js';

export interface LlmExtractOptions {
  /** The catalog the rules ran with: the LLM asks for the same signals. */
  catalog?: SignalCatalog;
  /** Skip the call gate (a re-extraction after an outage). */
  force?: boolean;
  /** The settle timer fired: call if the conversation has anything new. */
  settle?: boolean;
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
  /**
   * Quiet time after which a deferred call is made (the result of extract()
   * carries `deferLlm: true` when the gate deferred). Measured both in event
   * time (replays) and on the wall clock (live), whichever comes first.
   */
  readonly settleMs?: number;
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

interface Pending {
  snapshot: ConversationSnapshot;
  timestamp: number;
  attempts: number;
  revision: number;
  /** degraded: the LLM failed; deferred: the gate asked for a call once the conversation settles. */
  kind?: 'degraded' | 'deferred';
}

const timerId = (conversationId: string) => `llm-reextract:${conversationId}`;
const settleEvent = (conversationId: string) => `llm-settle-e:${conversationId}`;
const settleWall = (conversationId: string) => `llm-settle-w:${conversationId}`;
export const DEFAULT_SETTLE_MS = 15 * 60_000;

export type { ExtractConfig };

function isSnapshot(v: unknown): v is ConversationSnapshot {
  const s = v as ConversationSnapshot | null;
  return !!s && typeof s === 'object' && typeof s.conversationId === 'string' && Number.isInteger(s.version)
    && typeof s.contentHash === 'string' && Array.isArray(s.transcript) && !!s.counters && !!s.language;
}

export function createExtractProcessor(cfg: ExtractConfig, ports: ExtractPorts): Processor<ConversationSnapshot, SignalsRecord> {
  let ctx!: ProcessorContext<SignalsRecord>;
  const { catalog, llm } = ports;
  const analyze = memoAnalyzer(catalog, cfg.messageCacheChars);
  const policy = llm?.reextract ?? DEFAULT_REEXTRACT;
  let pending: KeyValueStore<Pending> | undefined;

  async function extract(snap: ConversationSnapshot, mode: 'normal' | 'force' | 'settle'): Promise<{ result: SignalsResult; rules: SignalsResult; degraded: boolean; now: number }> {
    // Recency is measured on the context clock so replays and tests are deterministic.
    const now = ctx.clock.now();
    const rules = extractRules(snap, catalog, now, analyze);
    if (!llm) return { result: rules, rules, degraded: false, now };
    try {
      return { result: await llm.extract(snap, rules, { catalog, force: mode === 'force', settle: mode === 'settle' }), rules, degraded: false, now };
    } catch (err) {
      ctx.logger.warn({ conversationId: snap.conversationId, version: snap.version, err: (err as Error).message }, 'LLM extraction failed; shipping rules only');
      return { result: rules, rules, degraded: true, now };
    }
  }

  function emit(snap: ConversationSnapshot, r: { result: SignalsResult; rules: SignalsResult; degraded: boolean; now: number }, timestamp: number, revision: number) {
    const { result: withFlag, rules, degraded, now } = r;
    const { deferLlm: _internal, ...result } = withFlag;
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
  }

  function schedule(conversationId: string, attempts: number) {
    const delay = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempts - 1));
    ctx.timers.schedule({ id: timerId(conversationId), at: ctx.clock.now() + delay, kind: 'wall', key: conversationId });
  }

  function cancelSettle(id: string) {
    ctx.timers.cancel(settleEvent(id), 'event');
    ctx.timers.cancel(settleWall(id), 'wall');
  }

  /** Debounced: every deferred snapshot moves the settle deadline. */
  function scheduleSettle(snap: ConversationSnapshot) {
    const settle = llm?.settleMs ?? DEFAULT_SETTLE_MS;
    const id = snap.conversationId;
    ctx.timers.schedule({ id: settleEvent(id), at: snap.lastMessageAt + settle, kind: 'event', key: id });
    ctx.timers.schedule({ id: settleWall(id), at: ctx.clock.now() + settle, kind: 'wall', key: id });
  }

  /** After an extraction: clear or (re)queue the conversation for re-extraction. */
  function track(snap: ConversationSnapshot, r: { result: SignalsResult; degraded: boolean }, timestamp: number, revision: number, attemptsSoFar: number) {
    if (!pending) return;
    const id = snap.conversationId;
    const degraded = r.degraded;
    const prev = pending.get(id);
    if (!degraded) {
      const called = !!r.result.llm && !r.result.llm.reused;
      if (r.result.deferLlm) {
        if (prev?.kind !== 'degraded') {
          pending.put(id, { snapshot: snap, timestamp, attempts: 0, revision, kind: 'deferred' });
          scheduleSettle(snap);
        }
        return;
      }
      if (called || !prev) {
        if (prev) { pending.delete(id); ctx.timers.cancel(timerId(id), 'wall'); cancelSettle(id); }
        return;
      }
      // No call and nothing deferred now: a pending deferral still settles, with the latest snapshot.
      if (prev.kind === 'deferred') pending.put(id, { ...prev, snapshot: snap, timestamp });
      return;
    }
    if (prev?.kind === 'deferred') cancelSettle(id);
    const attempts = attemptsSoFar + 1;
    if (attempts > policy.maxAttempts) {
      pending.delete(id);
      ctx.logger.warn({ conversationId: id, attempts: attemptsSoFar }, 'LLM re-extraction given up; the rules result stands until the next snapshot');
      return;
    }
    pending.put(id, { snapshot: snap, timestamp, attempts, revision, kind: 'degraded' });
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
      const r = await extract(snap, 'normal');
      emit(snap, r, record.timestamp, 0);
      const prev = pending?.get(snap.conversationId);
      track(snap, r, record.timestamp, 0, prev?.kind === 'degraded' ? prev.attempts : 0);
    },

    async onTimer(timer: Timer) {
      if (!pending) return;
      if (timer.id === settleEvent(timer.key) || timer.id === settleWall(timer.key)) {
        const p = pending.get(timer.key);
        if (!p || p.kind !== 'deferred') return;
        cancelSettle(timer.key);
        const r = await extract(p.snapshot, 'settle');
        if (r.degraded) { track(p.snapshot, r, p.timestamp, p.revision, 0); return; }
        pending.delete(timer.key);
        // Only a real call is news: a skip would repeat the record already out.
        if (r.result.llm && !r.result.llm.reused) emit(p.snapshot, r, p.timestamp, p.revision + 1);
        return;
      }
      if (timer.kind !== 'wall' || timer.id !== timerId(timer.key)) return;
      const p = pending.get(timer.key);
      if (!p) return;
      const r = await extract(p.snapshot, 'force');
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
