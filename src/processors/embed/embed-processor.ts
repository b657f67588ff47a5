// The embed stage: leadwire.signals.v1 → vectors in the vector store (a sink:
// nothing is forwarded). Input is the signals record, not the snapshot,
// because the payload carries the extractor's tier and language; the record
// carries the slim transcript to embed. A conversation whose content hash and
// embedder have not changed is not embedded again; only a changed tier is
// written to its payload.
import type { EmbedConfig } from '../../config/schema.js';
import { errorMessage } from '../../core/errors.js';
import { counterSpec } from '../../stream/stage-metrics.js';
import type { Embedder } from '../../ports/embedder.js';
import { pointId, type VectorPoint, type VectorStore } from '../../ports/vector-store.js';
import type { KeyValueStore, Processor, ProcessorContext, StreamRecord } from '../../stream/processor-api.js';
import type { StoreCodec, StoreSpec } from '../../stream/stage.js';
import type { SignalsRecord } from '../../records/signals-record.js';
import { chunkTranscript } from './chunk-transcript.js';

export interface EmbedPorts {
  embedder: Embedder;
  store: VectorStore;
}

/** What was last written for a conversation: enough to skip, patch or clean up without reading the vector store. */
export interface EmbedState {
  /** Content hash of the snapshot embedded. */
  contentHash: string;
  /** Chunks (points) written. */
  chunks: number;
  /** Embedder id: a model change re-embeds. */
  embedder: string;
  tier: string;
  language: string;
}

export const EMBED_STATE_STORE = 'embed-state';

/** On the wire the state keeps the short keys every earlier version wrote ({h, n, e, tier, language}). */
type WireEmbedState = { h: string; n: number; e: string; tier: string; language: string };
export const embedStateCodec: StoreCodec<EmbedState> = {
  encode: (st): WireEmbedState => ({ h: st.contentHash, n: st.chunks, e: st.embedder, tier: st.tier, language: st.language }),
  decode: (json) => {
    const w = json as WireEmbedState;
    return { contentHash: w.h, chunks: w.n, embedder: w.e, tier: w.tier, language: w.language };
  },
};

export const embedStores: StoreSpec[] = [
  { name: EMBED_STATE_STORE, codec: embedStateCodec, doc: 'per conversation: content hash, chunk count, embedder and tier last written to the vector store' },
];

export const VECTORS_WRITTEN = counterSpec('leadwire_embed_vectors_total', 'Chunk vectors written to the vector store', ['stage']);

type EmbedInput = SignalsRecord & { transcript: NonNullable<SignalsRecord['transcript']> };

function isSignals(v: unknown): v is SignalsRecord {
  const s = v as SignalsRecord | null;
  return !!s && typeof s === 'object' && s.schema === 'leadwire.signals.v1' && typeof s.conversationId === 'string'
    && typeof s.contentHash === 'string' && Number.isInteger(s.snapshotVersion) && typeof s.tier === 'string';
}

export function createEmbedProcessor(cfg: Pick<EmbedConfig, 'roles' | 'chunkMaxChars' | 'chunkOverlapMessages'>, ports: EmbedPorts): Processor<SignalsRecord, never> {
  const { embedder, store: vectors } = ports;
  const roles = new Set(cfg.roles);
  const maxChars = Math.min(cfg.chunkMaxChars, embedder.maxInputChars);
  let ctx!: ProcessorContext<never>;
  let state!: KeyValueStore<EmbedState>;

  async function remove(conversationId: string) {
    await vectors.deleteConversation(conversationId);
    state.delete(conversationId);
  }

  async function embed(rec: EmbedInput) {
    const cid = rec.conversationId;
    const chunks = chunkTranscript(rec.transcript, { roles, maxChars, overlapMessages: cfg.chunkOverlapMessages });
    const prev = state.get(cid);
    if (chunks.length === 0) {
      // Emptied upstream, or nothing from the embedded roles: nothing may stay searchable.
      if (prev) await remove(cid);
      ctx.metrics().filtered('nothing_to_embed');
      return;
    }
    if (prev && prev.contentHash === rec.contentHash && prev.embedder === embedder.id) {
      if (prev.tier !== rec.tier) {
        await vectors.setConversationPayload(cid, { tier: rec.tier });
        state.put(cid, { ...prev, tier: rec.tier });
      }
      ctx.metrics().filtered('unchanged');
      return;
    }
    const embeddings = await embedder.embed(chunks.map((c) => c.text));
    const times = rec.transcript.map((m) => m.createdAt);
    const first = Math.min(...times);
    const last = Math.max(...times);
    const points: VectorPoint[] = chunks.map((c, i) => ({
      id: pointId(cid, c.index),
      vector: embeddings[i]!,
      payload: {
        conversation_id: cid,
        chunk: c.index,
        chunks: chunks.length,
        language: rec.language,
        tier: rec.tier,
        label: null,
        first_message_at: first,
        last_message_at: last,
        snapshot_version: rec.snapshotVersion,
        content_hash: rec.contentHash,
        text: c.text,
        embedder: embedder.id,
      },
    }));
    // Feedback labels live only in the vector store (the feedback stage writes them); an upsert replaces the payload.
    if (prev) {
      const label = await vectors.labelOf(cid);
      if (label) for (const p of points) p.payload.label = label;
    }
    await vectors.upsert(points);
    // The conversation shrank (edits, deletes): its tail chunks must not linger.
    if (prev && prev.chunks > chunks.length) {
      const stale: string[] = [];
      for (let i = chunks.length; i < prev.chunks; i++) stale.push(pointId(cid, i));
      await vectors.deletePoints(stale);
    }
    state.put(cid, { contentHash: rec.contentHash, chunks: chunks.length, embedder: embedder.id, tier: rec.tier, language: rec.language });
    ctx.metrics().count(VECTORS_WRITTEN, { stage: ctx.stage }, points.length);
  }

  return {
    init(c) {
      ctx = c;
      state = c.getStore<EmbedState>(EMBED_STATE_STORE);
    },

    async process(record: StreamRecord<SignalsRecord>) {
      const v = record.value;
      if (v === null) {
        // A tombstone on the conversation key is an erasure request.
        if (record.key !== null) await remove(record.key);
        return;
      }
      if (!isSignals(v)) {
        ctx.deadLetter({ reason: 'invalid_signals', message: 'not a leadwire.signals.v1 record (schema, conversationId, snapshotVersion, contentHash, tier)' });
        return;
      }
      if (!Array.isArray(v.transcript)) {
        ctx.deadLetter({ reason: 'missing_transcript', message: 'signals record without transcript: written by an extract stage older than the embed stage; re-run extract' });
        return;
      }
      try {
        await embed(v as EmbedInput);
      } catch (err) {
        // State is untouched, so the next snapshot of this conversation (or a DLQ replay) embeds it again.
        ctx.deadLetter({ reason: 'embed_failed', message: errorMessage(err) });
        ctx.logger.warn({ conversationId: v.conversationId, err: errorMessage(err) }, 'embedding failed');
      }
    },

    close() {},
  };
}
