// The PostgreSQL AnalyticsStore (tables in migrations/002_analytics.sql).
// Inserts are idempotent on the event id (ON CONFLICT DO NOTHING); the lead row
// moves forward only to a score that is at least as new, so a late or repeated
// delivery never rolls a lead back.
import pg from 'pg';
import { runMigrations } from '../pg/migrate.js';
import { createSchemaPool } from '../pg/schema-pool.js';
import {
  decodeCursor, encodeCursor,
  type AnalyticsStore, type FeedbackEntry, type LabelledLead, type LeadSummary, type ScoringVersionRow,
} from '../../ports/analytics-store.js';
import type { LeadScoreRecord } from '../../records/lead-records.js';
import type { Tier } from '../../records/tier.js';

export interface PgAnalyticsOptions {
  /** A pool to share (its own search_path decides where the tables are); else one is made from `url`. */
  pool?: pg.Pool;
  url?: string;
  /** Schema of the tables when the store makes its pool from `url` (default `leadwire`). */
  schema?: string;
  /** Run migrations on init (default true). */
  migrate?: boolean;
}

const ms = (d: Date | null) => (d === null ? null : d.getTime());

export function createPgAnalyticsStore(opts: PgAnalyticsOptions): AnalyticsStore {
  const own = !opts.pool;
  const schema = opts.pool ? opts.schema : (opts.schema ?? 'leadwire');
  const pool = opts.pool ?? (schema ? createSchemaPool({ url: opts.url!, schema, max: 4, allowExitOnIdle: true }) : new pg.Pool({ connectionString: opts.url, max: 4, allowExitOnIdle: true }));
  let ready: Promise<void> | null = null;
  const init = () => (ready ??= (async () => { if (opts.migrate !== false) await runMigrations(pool, schema ? { schema } : {}); })().catch((err) => { ready = null; throw err; }));

  async function q<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    await init();
    return pool.query<R>(sql, params);
  }

  const feedbackRow = (r: Record<string, unknown>): FeedbackEntry => ({
    feedbackId: r.feedback_id as string, conversationId: r.conversation_id as string, label: r.label as FeedbackEntry['label'],
    reason: (r.reason as string | null) ?? null, actor: r.actor as string, at: (r.at as Date).getTime(),
    tierAtFeedback: (r.tier_at_feedback as Tier | null) ?? null, scoringVersion: (r.scoring_version as string | null) ?? null,
  });

  return {
    kind: 'pg',
    init,

    async recordScore(rec) {
      await init();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const ins = await client.query(
          `INSERT INTO lead_score_history (event_id, conversation_id, snapshot_version, revision, scoring_version, catalog_version, prompt_version, model,
             score, probability, tier, previous_tier, language, segment, shadow_version, shadow_score, shadow_tier, scored_at, record)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,to_timestamp($18 / 1000.0),$19)
           ON CONFLICT (event_id) DO NOTHING`,
          [rec.eventId, rec.conversationId, rec.snapshotVersion, rec.revision ?? 0, rec.versions.scoring, rec.versions.catalog, rec.versions.prompt, rec.versions.model,
            rec.score, rec.probability, rec.tier, rec.previousTier, rec.language, rec.segment, rec.shadow?.scoringVersion ?? null, rec.shadow?.score ?? null,
            rec.shadow?.tier ?? null, rec.scoredAt, JSON.stringify(rec)]);
        if (ins.rowCount === 1) {
          await client.query(
            `INSERT INTO leads AS l (conversation_id, event_id, snapshot_version, revision, scoring_version, prompt_version, score, probability, tier,
               language, segment, contact_type, contact_id, scored_at, last_customer_message_at, updated_at)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,to_timestamp($14 / 1000.0),to_timestamp($15 / 1000.0), now())
             ON CONFLICT (conversation_id) DO UPDATE SET
               event_id = EXCLUDED.event_id, snapshot_version = EXCLUDED.snapshot_version, revision = EXCLUDED.revision,
               scoring_version = EXCLUDED.scoring_version, prompt_version = EXCLUDED.prompt_version, score = EXCLUDED.score,
               probability = EXCLUDED.probability, tier = EXCLUDED.tier, language = EXCLUDED.language, segment = EXCLUDED.segment,
               contact_type = EXCLUDED.contact_type, contact_id = EXCLUDED.contact_id, scored_at = EXCLUDED.scored_at,
               last_customer_message_at = EXCLUDED.last_customer_message_at, updated_at = now()
             WHERE (l.snapshot_version, l.revision, l.scored_at) <= (EXCLUDED.snapshot_version, EXCLUDED.revision, EXCLUDED.scored_at)`,
            [rec.conversationId, rec.eventId, rec.snapshotVersion, rec.revision ?? 0, rec.versions.scoring, rec.versions.prompt, rec.score, rec.probability,
              rec.tier, rec.language, rec.segment, rec.contact?.type ?? null, rec.contact?.id ?? null, rec.scoredAt, rec.lastCustomerMessageAt]);
        }
        await client.query('COMMIT');
        return ins.rowCount === 1;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },

    async recordFeedback(fb) {
      const r = await q(
        `INSERT INTO lead_feedback (feedback_id, conversation_id, label, reason, actor, at, tier_at_feedback, scoring_version)
         VALUES ($1,$2,$3,$4,$5,to_timestamp($6 / 1000.0),$7,$8) ON CONFLICT (feedback_id) DO NOTHING`,
        [fb.feedbackId, fb.conversationId, fb.label, fb.reason, fb.actor, fb.at, fb.tierAtFeedback, fb.scoringVersion]);
      return r.rowCount === 1;
    },

    async latestScore(id) {
      const r = await q<{ record: LeadScoreRecord }>(
        `SELECT h.record FROM leads l JOIN lead_score_history h ON h.event_id = l.event_id WHERE l.conversation_id = $1`, [id]);
      return r.rows[0]?.record ?? null;
    },

    async scoreHistory(id, limit = 100) {
      const r = await q<{ record: LeadScoreRecord }>(
        `SELECT record FROM lead_score_history WHERE conversation_id = $1
         ORDER BY snapshot_version DESC, revision DESC, scored_at DESC LIMIT $2`, [id, limit]);
      return r.rows.map((x) => x.record);
    },

    async listLeads(qry = {}) {
      const limit = qry.limit ?? 50;
      const after = decodeCursor(qry.cursor);
      const where: string[] = [];
      const params: unknown[] = [];
      const p = (v: unknown) => { params.push(v); return `$${params.length}`; };
      if (qry.tier) where.push(`tier = ${p(qry.tier)}`);
      if (qry.language) where.push(`language = ${p(qry.language)}`);
      if (qry.since !== undefined) where.push(`scored_at >= to_timestamp(${p(qry.since)} / 1000.0)`);
      if (after) where.push(`(scored_at, conversation_id) < (to_timestamp(${p(after.scoredAt)} / 1000.0), ${p(after.conversationId)})`);
      const r = await q<Record<string, unknown>>(
        `SELECT * FROM leads ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY scored_at DESC, conversation_id DESC LIMIT ${p(limit + 1)}`, params);
      const items: LeadSummary[] = r.rows.slice(0, limit).map((x) => ({
        conversationId: x.conversation_id as string, eventId: x.event_id as string, snapshotVersion: x.snapshot_version as number,
        scoringVersion: x.scoring_version as string, promptVersion: (x.prompt_version as string | null) ?? null, score: x.score as number,
        probability: x.probability as number, tier: x.tier as Tier, language: x.language as string, segment: (x.segment as string | null) ?? null,
        contact: x.contact_type === null && x.contact_id === null ? null : { type: x.contact_type as string | null, id: x.contact_id as string | null },
        scoredAt: (x.scored_at as Date).getTime(),
      }));
      const last = items[items.length - 1];
      return { items, next: r.rows.length > limit && last ? encodeCursor(last.scoredAt, last.conversationId) : null };
    },

    async feedbackOf(id) {
      const r = await q<Record<string, unknown>>(`SELECT * FROM lead_feedback WHERE conversation_id = $1 ORDER BY at DESC, feedback_id DESC`, [id]);
      return r.rows.map(feedbackRow);
    },

    async labelledLeads() {
      const r = await q<{ conversation_id: string; label: FeedbackEntry['label']; at: Date; record: LeadScoreRecord }>(
        `SELECT DISTINCT ON (f.conversation_id) f.conversation_id, f.label, f.at, h.record
           FROM lead_feedback f JOIN leads l ON l.conversation_id = f.conversation_id JOIN lead_score_history h ON h.event_id = l.event_id
          ORDER BY f.conversation_id, f.at DESC, f.feedback_id DESC`);
      return r.rows.map((x): LabelledLead => ({ conversationId: x.conversation_id, label: x.label, at: x.at.getTime(), latest: x.record }));
    },

    async staleLeads(qry) {
      const r = await q<{ conversation_id: string; scored_at: Date; scoring_version: string; prompt_version: string | null }>(
        `SELECT conversation_id, scored_at, scoring_version, prompt_version FROM leads
          WHERE scoring_version <> $1 OR ($2::text IS NOT NULL AND prompt_version IS DISTINCT FROM $2::text)
          ORDER BY scored_at DESC, conversation_id DESC LIMIT $3`,
        [qry.scoringVersion, qry.promptVersion ?? null, qry.limit]);
      return r.rows.map((x) => ({ conversationId: x.conversation_id, scoredAt: x.scored_at.getTime(), scoringVersion: x.scoring_version, promptVersion: x.prompt_version }));
    },

    async shadowScores(v) {
      const r = await q<{ record: LeadScoreRecord }>(`SELECT record FROM lead_score_history WHERE shadow_version = $1`, [v]);
      return r.rows.map((x) => x.record);
    },

    async putScoringVersion(v) {
      await q(
        `INSERT INTO scoring_versions (version, status, parent, model, metrics) VALUES ($1,$2,$3,$4,$5)
         ON CONFLICT (version) DO UPDATE SET status = EXCLUDED.status, parent = EXCLUDED.parent, model = EXCLUDED.model,
           metrics = CASE WHEN $6 THEN EXCLUDED.metrics ELSE scoring_versions.metrics END`,
        [v.version, v.status, v.parent, JSON.stringify(v.model), JSON.stringify(v.metrics ?? {}), v.metrics !== undefined]);
    },

    async promoteScoringVersion(version, at) {
      await init();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const found = await client.query('SELECT 1 FROM scoring_versions WHERE version = $1 FOR UPDATE', [version]);
        if (found.rowCount === 0) throw new Error(`unknown scoring version ${version}`);
        await client.query(`UPDATE scoring_versions SET status = 'retired' WHERE status = 'active' AND version <> $1`, [version]);
        await client.query(`UPDATE scoring_versions SET status = 'active', promoted_at = to_timestamp($2 / 1000.0) WHERE version = $1`, [version, at]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },

    async scoringVersions() {
      const r = await q<Record<string, unknown>>(`SELECT * FROM scoring_versions ORDER BY created_at, version`);
      return r.rows.map((x): ScoringVersionRow => ({
        version: x.version as string, status: x.status as ScoringVersionRow['status'], parent: (x.parent as string | null) ?? null,
        model: x.model, metrics: x.metrics as Record<string, unknown>, createdAt: (x.created_at as Date).getTime(), promotedAt: ms(x.promoted_at as Date | null),
      }));
    },

    async close() { if (own) await pool.end(); },
  };
}
