// The extract stage: ConversationSnapshot → SignalsRecord on leadwire.signals.v1.
// Rules always run. An LLM extractor can be passed as a port later (the
// `llm` slot below); until then `degraded` is false and `extractor.llm` null.
import { metrics } from '../../core/metrics.js';
import type { Processor, ProcessorContext, StreamRecord } from '../../topology/processor-api.js';
import type { ConversationSnapshot } from '../window/snapshot.js';
import type { SignalCatalog } from './catalog.js';
import { extractRules } from './extract-rules.js';
import type { SignalsRecord, SignalsResult } from './signals-record.js';

/**
 * The port the LLM extractor will implement (src/processors/extract/llm/).
 * It receives the snapshot and the rules result and returns the merged result,
 * or throws a LeadwireError; the processor then ships the rules result marked degraded.
 */
export interface LlmExtractor {
  readonly model: string;
  readonly promptVersion: string;
  extract(snapshot: ConversationSnapshot, rules: SignalsResult): Promise<SignalsResult>;
}

export interface ExtractPorts {
  catalog: SignalCatalog;
  llm?: LlmExtractor;
}

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

  return {
    init(c) { ctx = c; },

    async process(record: StreamRecord<ConversationSnapshot>) {
      const snap = record.value;
      if (snap === null) return;
      if (!isSnapshot(snap)) {
        ctx.deadLetter({ reason: 'invalid_snapshot', message: 'not a leadwire.conversations.v1 record (conversationId, version, contentHash, transcript, counters, language)' });
        return;
      }
      // Recency is measured on the context clock so replays and tests are deterministic.
      const now = ctx.clock.now();
      const rules = extractRules(snap, catalog, now);
      let result = rules;
      let degraded = false;
      if (llm) {
        try { result = await llm.extract(snap, rules); } catch (err) {
          degraded = true;
          ctx.logger.warn({ conversationId: snap.conversationId, version: snap.version, err: (err as Error).message }, 'LLM extraction failed; shipping rules only');
        }
      }
      const out: SignalsRecord = {
        schema: 'leadwire.signals.v1',
        conversationId: snap.conversationId,
        snapshotVersion: snap.version,
        contentHash: snap.contentHash,
        ...result,
        rulesTier: rules.tier,
        degraded,
        extractor: { rules: catalog.version, llm: llm && !degraded ? { model: llm.model, promptVersion: llm.promptVersion } : null },
        extractedAt: now,
      };
      ctx.forward({ key: snap.conversationId, value: out, timestamp: record.timestamp });
      metrics.recordsOut.inc({ stage: ctx.stage, topic: 'signals' });
    },

    close() {},
  };
}
