// The score stage: SignalsRecord → LeadScoreRecord on leadwire.lead-scores.v1
// (only when something material changed) and LeadEventRecord on
// leadwire.lead-events.v1 (tier transitions with their actions).
// All state (history, last tier, alerts sent, seller) lives in stores backed by
// changelogs, so on the Kafka runtime a restarted worker neither forgets an
// alert nor sends one twice: outputs and state commit in one transaction.
import type { ScoreConfig } from '../../config/schema.js';
import type { KeyValueStore, Processor, ProcessorContext, StreamRecord } from '../../stream/processor-api.js';
import type { Tier } from '../../records/tier.js';
import { createAssigner } from './assignment.js';
import { cloudEventHeaders } from '../../records/cloud-events.js';
import { leadEventId, leadScoreEventId } from '../../records/event-id.js';
import {
  LEAD_EVENT_CE_TYPE, LEAD_EVENTS_SCHEMA_ID, LEAD_SCORE_CE_TYPE, LEAD_SCORES_SCHEMA_ID,
  type LeadAction, type LeadEventRecord, type LeadEventType, type LeadScoreRecord, type Reason,
} from '../../records/lead-records.js';
import { scoreSignals, TIER_ORDER, type Contribution, type ScoreResult, type ScoringInput } from './score-signals.js';
import type { ScoringModel } from './scoring-model.js';
import type { StoreCodec } from '../../stream/stage.js';

export const SCORE_STORE = 'score-state';
export const ASSIGN_STORE = 'score-assignments';

export interface HistoryEntry { snapshotVersion: number; score: number; tier: Tier; at: number; scoringVersion: string; emitted: boolean }

export interface ScoreState {
  snapshotVersion: number;
  /** Extraction revision of that snapshot (re-extractions after a degraded one). */
  revision?: number;
  scoringVersion: string;
  tier: Tier | null;
  /** Score of the last emitted lead score. */
  emittedScore: number | null;
  shadowTier: Tier | null;
  history: HistoryEntry[];
  /** Tiers an alert was sent for: never twice per conversation and tier. */
  alerted: Tier[];
  seller: string | null;
}

/**
 * The score state on the wire: history entries keep the short keys every
 * earlier version wrote to the changelog ({v, s, t, at, sv, emitted}).
 */
type WireHistoryEntry = { v: number; s: number; t: Tier; at: number; sv: string; emitted: boolean };
export const scoreStateCodec: StoreCodec<ScoreState> = {
  encode: (st) => ({ ...st, history: st.history.map((h): WireHistoryEntry => ({ v: h.snapshotVersion, s: h.score, t: h.tier, at: h.at, sv: h.scoringVersion, emitted: h.emitted })) }),
  decode: (json) => {
    const st = json as Omit<ScoreState, 'history'> & { history: WireHistoryEntry[] };
    return { ...st, history: st.history.map((h): HistoryEntry => ({ snapshotVersion: h.v, score: h.s, tier: h.t, at: h.at, scoringVersion: h.sv, emitted: h.emitted })) };
  },
};

/** Encodes an outgoing payload (a schema registry's wire format); absent = plain JSON by the runtime. */
export type PayloadEncoder = (topic: 'leadScores' | 'leadEvents', value: LeadScoreRecord | LeadEventRecord) => Promise<Buffer>;

export interface ScorePorts {
  model: ScoringModel;
  shadow?: ScoringModel;
  encode?: PayloadEncoder;
}

export const OUTPUT = { scores: 'default', events: 'events' } as const;

function isSignals(v: unknown): v is ScoringInput {
  const r = v as ScoringInput | null;
  return !!r && typeof r === 'object' && typeof r.conversationId === 'string' && Number.isInteger(r.snapshotVersion)
    && Array.isArray(r.signals) && !!r.extractor && typeof r.extractor.rules === 'string';
}

const toReason = (c: Contribution): Reason => ({ signal: c.id, kind: c.kind, points: c.points, messageId: c.messageId, quote: c.quote });

function transitionType(to: Tier): LeadEventType {
  return to === 'qualified' ? 'lead.qualified' : to === 'nurturing' ? 'lead.nurturing' : 'lead.disqualified';
}

export function createScoreProcessor(cfg: ScoreConfig, ports: ScorePorts): Processor<ScoringInput, unknown> {
  let ctx!: ProcessorContext<unknown>;
  let state!: KeyValueStore<ScoreState>;
  let counters!: KeyValueStore<number>;
  const { model, shadow } = ports;
  const delta = cfg.materialDelta ?? model.material.scoreDelta;
  const assigner = createAssigner({ sellers: cfg.sellers, rules: cfg.assignmentRules });

  async function send(output: 'default' | 'events', key: string, value: LeadScoreRecord | LeadEventRecord, headers: Record<string, string>, timestamp: number) {
    const payload = ports.encode ? await ports.encode(output === 'default' ? 'leadScores' : 'leadEvents', value) : value;
    ctx.forward({ key, value: payload, timestamp, headers }, output);
  }

  return {
    init(c) {
      ctx = c;
      state = c.getStore<ScoreState>(SCORE_STORE);
      counters = c.getStore<number>(ASSIGN_STORE);
    },

    async process(record: StreamRecord<ScoringInput>) {
      const rec = record.value;
      if (rec === null) return;
      if (!isSignals(rec)) {
        ctx.deadLetter({ reason: 'invalid_signals', message: 'not a leadwire.signals.v1 record (conversationId, snapshotVersion, signals, extractor)' });
        return;
      }
      const cid = rec.conversationId;
      const prev = state.get(cid);
      // Older snapshots (reordering upstream) and exact repeats change nothing; a re-extraction (revision)
      // or a new scoring version re-scores the same snapshot.
      const revision = rec.revision ?? 0;
      const order = prev ? rec.snapshotVersion - prev.snapshotVersion || revision - (prev.revision ?? 0) : 1;
      if (prev && (order < 0 || (order === 0 && prev.scoringVersion === model.version))) {
        ctx.metrics().filtered('stale_or_repeat');
        return;
      }
      // Event time, not the wall clock: a replay decays intent exactly as live traffic did.
      const at = record.timestamp;
      const res: ScoreResult = scoreSignals(rec, model, at, prev?.tier ?? null);
      const sh = shadow ? scoreSignals(rec, shadow, at, prev?.shadowTier ?? null) : null;
      const prevTier = prev?.tier ?? null;
      const tierChanged = res.tier !== prevTier;
      const material = !prev || tierChanged || prev.scoringVersion !== model.version
        || prev.emittedScore === null || Math.abs(res.score - prev.emittedScore) >= delta;

      const next: ScoreState = {
        snapshotVersion: rec.snapshotVersion,
        revision,
        scoringVersion: model.version,
        tier: res.tier,
        emittedScore: material ? res.score : prev?.emittedScore ?? null,
        shadowTier: sh?.tier ?? null,
        history: [...(prev?.history ?? []), { snapshotVersion: rec.snapshotVersion, score: res.score, tier: res.tier, at, scoringVersion: model.version, emitted: material }].slice(-cfg.historySize),
        alerted: prev?.alerted ?? [],
        seller: prev?.seller ?? null,
      };
      const versions = {
        scoring: model.version,
        catalog: rec.extractor.rules,
        prompt: rec.extractor.llm?.promptVersion ?? null,
        model: rec.extractor.llm?.model ?? null,
      };
      const reasons = { positive: res.reasons.positive.map(toReason), negative: res.reasons.negative.map(toReason) };
      const contact = rec.contact ?? null;

      if (material) {
        const scoreRec: LeadScoreRecord = {
          schema: 'leadwire.lead-scores.v1',
          eventId: leadScoreEventId(cid, rec.snapshotVersion, model.version, revision),
          conversationId: cid,
          snapshotVersion: rec.snapshotVersion,
          revision,
          contentHash: rec.contentHash,
          score: res.score,
          probability: res.probability,
          tier: res.tier,
          previousTier: prevTier,
          tierSource: res.tierSource,
          basis: res.basis,
          components: { fit: res.fit, intent: res.intent, negative: res.negative, implicit: res.implicit, raw: res.raw },
          reasons,
          signals: rec.signals.map((s) => ({
            id: s.id, category: s.category, weight: s.weight, confidence: s.confidence,
            ...(s.strength ? { strength: s.strength } : {}), ...(s.value !== undefined ? { value: s.value } : {}), source: s.source, evidence: s.evidence,
          })),
          implicit: {
            sharedContact: rec.implicit?.sharedContact ?? false,
            customerMessages: rec.implicit?.customerMessages ?? 0,
            agentMessages: rec.implicit?.agentMessages ?? 0,
            sentiment: rec.implicit?.sentiment?.score ?? 0,
          },
          contact,
          language: rec.language,
          segment: res.segment,
          degraded: rec.degraded,
          versions,
          lastCustomerMessageAt: rec.lastCustomerMessageAt ?? null,
          scoredAt: at,
          ...(sh && shadow ? { shadow: { scoringVersion: shadow.version, score: sh.score, probability: sh.probability, tier: sh.tier } } : {}),
        };
        await send('default', cid, scoreRec, cloudEventHeaders({
          id: scoreRec.eventId, type: LEAD_SCORE_CE_TYPE, source: cfg.eventSource, time: at, subject: cid, dataschema: LEAD_SCORES_SCHEMA_ID,
        }), at);
      } else {
        ctx.metrics().filtered('not_material');
      }

      // A transition worth telling: any tier change, except a first score that is unqualified (nothing to act on).
      if (tierChanged && !(prevTier === null && res.tier === 'unqualified')) {
        const actions: LeadAction[] = [];
        const suppressed: Array<'alert'> = [];
        const upward = prevTier === null || TIER_ORDER.indexOf(res.tier) > TIER_ORDER.indexOf(prevTier);
        if (res.tier === 'qualified') {
          if (next.alerted.includes('qualified')) suppressed.push('alert');
          else { actions.push({ type: 'alert', severity: 'high' }); next.alerted = [...next.alerted, 'qualified']; }
        }
        if (res.tier === 'nurturing') actions.push({ type: 'follow_up_task', dueAt: at + cfg.followUpDelayMs });
        if (res.tier !== 'unqualified' && upward && next.seller === null) {
          const a = assigner.assign(counters, { language: rec.language, segment: res.segment });
          if (a) { next.seller = a.seller; actions.push({ type: 'assign', seller: a.seller, rule: a.rule }); }
        }
        const type = transitionType(res.tier);
        const ev: LeadEventRecord = {
          schema: 'leadwire.lead-events.v1',
          eventId: leadEventId(cid, rec.snapshotVersion, model.version, res.tier, revision),
          type,
          conversationId: cid,
          snapshotVersion: rec.snapshotVersion,
          fromTier: prevTier,
          toTier: res.tier,
          score: res.score,
          probability: res.probability,
          reasons,
          contact,
          language: rec.language,
          segment: res.segment,
          actions,
          suppressed,
          seller: next.seller,
          versions,
          at,
        };
        await send('events', cid, ev, cloudEventHeaders({
          id: ev.eventId, type: LEAD_EVENT_CE_TYPE[type], source: cfg.eventSource, time: at, subject: cid, dataschema: LEAD_EVENTS_SCHEMA_ID,
        }), at);
      }
      state.put(cid, next);
    },

    close() {},
  };
}
