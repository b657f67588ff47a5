// The chaos runs' oracle: what every stage must have produced, computed from the input the run
// wrote and nothing else (no runtime, no clean run), and the check of what a read-committed
// consumer saw on each stage's output topic against it.
//
//   normalize  every input message id on messages.v1 (repeats are Debezium's at-least-once,
//              reported, and harmless downstream as long as the window's content is exact);
//   window     per conversation, snapshot versions 1..n with no gap and no repeat; every snapshot
//              holds distinct ids of that conversation only, and every message up to its last
//              message time; a conversation whose last session must have closed (its gap has
//              passed in its partition's stream time) has a last snapshot holding all its messages;
//   extract    every snapshot version has its signals record, once per revision;
//   score      every signals record has a lead score of the same version and revision (the chaos
//              runs set SCORE_MATERIAL_DELTA=0 so that none is held back as immaterial), the last
//              lead score is of the last snapshot, no event id twice.
//
// Stream time per partition is the largest event time on it: the conversation's partition comes
// from Kafka's default key partitioner (murmur2), a property of Kafka rather than of leadwire.
import { partitionFor } from '../../src/runtime/partitioner.js';

export interface InputMessage { id: string; conversationId: string; createdAt: number; body: string | null; type: string }

export interface ChaosExpectation {
  /** Every message normalize must forward. */
  messageIds: Set<string>;
  /** Per conversation: its messages (id, event time), in event-time order. */
  conversations: Map<string, Array<{ id: string; at: number }>>;
  /** Conversations whose last session must have closed by the end of the input. */
  mustClose: Set<string>;
}

/** Expectations from the messages the run wrote into wire_messages. */
export function expectFromInput(messages: InputMessage[], opts: { partitions: number; gapMs: number }): ChaosExpectation {
  const messageIds = new Set<string>();
  const conversations = new Map<string, Array<{ id: string; at: number }>>();
  for (const m of messages) {
    // What normalize forwards of an insert: a text message with a body.
    if (m.type !== 'text' || !m.body || !m.body.trim()) continue;
    messageIds.add(m.id);
    let list = conversations.get(m.conversationId);
    if (!list) { list = []; conversations.set(m.conversationId, list); }
    list.push({ id: m.id, at: m.createdAt });
  }
  const streamTime = new Map<number, number>();
  for (const [cid, list] of conversations) {
    list.sort((a, b) => a.at - b.at);
    const p = partitionFor(cid, opts.partitions);
    streamTime.set(p, Math.max(streamTime.get(p) ?? 0, list[list.length - 1]!.at));
  }
  const mustClose = new Set<string>();
  for (const [cid, list] of conversations) {
    // Strictly past the deadline: a timer due exactly at the last record's time is left out of the claim.
    if (list[list.length - 1]!.at + opts.gapMs < streamTime.get(partitionFor(cid, opts.partitions))!) mustClose.add(cid);
  }
  return { messageIds, conversations, mustClose };
}

export interface ObservedSnapshot { conversationId: string; version: number; ids: string[]; folded: number; lastMessageAt: number }
export interface ObservedVersioned { conversationId: string; snapshotVersion: number; revision: number }
export interface ObservedScore extends ObservedVersioned { eventId: string }

/** What the collector saw on each topic, in topic order per partition. */
export interface ChaosObservation {
  /** Message id → times seen on messages.v1. */
  messages: Map<string, number>;
  snapshots: ObservedSnapshot[];
  signals: ObservedVersioned[];
  scores: ObservedScore[];
  eventIds: string[];
}

export function emptyObservation(): ChaosObservation {
  return { messages: new Map(), snapshots: [], signals: [], scores: [], eventIds: [] };
}

/** The ids a snapshot record holds: transcript entries and the repeats folded into them. */
export function snapshotOf(v: { conversationId: string; version: number; transcript: Array<{ id: string; repeatIds?: string[] }>; folded: { messages: number }; lastMessageAt: number }): ObservedSnapshot {
  return { conversationId: v.conversationId, version: v.version, ids: v.transcript.flatMap((e) => [e.id, ...(e.repeatIds ?? [])]), folded: v.folded.messages, lastMessageAt: v.lastMessageAt };
}

export interface StageFindings { count: number; examples: string[] }
export interface StageCheck {
  normalize: { lost: StageFindings; repeats: number };
  window: { versionGaps: StageFindings; versionRepeats: StageFindings; wrongContent: StageFindings; incomplete: StageFindings; missing: StageFindings };
  extract: { missing: StageFindings; repeats: StageFindings };
  score: { missing: StageFindings; notLast: StageFindings; duplicateEventIds: StageFindings; duplicateScoreIds: StageFindings };
  conversationsClosed: number;
  ok: boolean;
}

function findings(): StageFindings { return { count: 0, examples: [] }; }
function note(f: StageFindings, what: string): void { f.count++; if (f.examples.length < 10) f.examples.push(what); }
const vkey = (cid: string, v: number, rev = 0) => `${cid}@${v}.${rev}`;

export function checkStages(exp: ChaosExpectation, obs: ChaosObservation): StageCheck {
  const c: StageCheck = {
    normalize: { lost: findings(), repeats: 0 },
    window: { versionGaps: findings(), versionRepeats: findings(), wrongContent: findings(), incomplete: findings(), missing: findings() },
    extract: { missing: findings(), repeats: findings() },
    score: { missing: findings(), notLast: findings(), duplicateEventIds: findings(), duplicateScoreIds: findings() },
    conversationsClosed: exp.mustClose.size,
    ok: false,
  };

  for (const id of exp.messageIds) if (!obs.messages.has(id)) note(c.normalize.lost, id);
  c.normalize.repeats = [...obs.messages.values()].filter((n) => n > 1).length;

  // Window: versions and content.
  const versions = new Map<string, number[]>();
  const last = new Map<string, ObservedSnapshot>();
  for (const s of obs.snapshots) {
    (versions.get(s.conversationId) ?? versions.set(s.conversationId, []).get(s.conversationId)!).push(s.version);
    if (!last.has(s.conversationId) || last.get(s.conversationId)!.version < s.version) last.set(s.conversationId, s);
    const msgs = exp.conversations.get(s.conversationId);
    const at = new Map((msgs ?? []).map((m) => [m.id, m.at]));
    const held = new Set(s.ids);
    const wrong = s.ids.find((id) => !at.has(id));
    if (wrong !== undefined || held.size !== s.ids.length) {
      note(c.window.wrongContent, `${s.conversationId} v${s.version}: ${wrong !== undefined ? `holds ${wrong}, not one of its messages` : 'holds a message twice'}`);
      continue;
    }
    // Every message before its last message time is in (or folded out of) the transcript; none after it.
    const upTo = (msgs ?? []).filter((m) => m.at < s.lastMessageAt);
    const missing = upTo.filter((m) => !held.has(m.id)).length;
    const after = s.ids.filter((id) => at.get(id)! > s.lastMessageAt);
    if (missing > s.folded || after.length) note(c.window.wrongContent, `${s.conversationId} v${s.version}: ${missing} earlier messages missing (${s.folded} folded), ${after.length} later ones held`);
  }
  for (const [cid, vs] of versions) {
    const sorted = [...vs].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) note(c.window.versionRepeats, `${cid} v${sorted[i]}`);
    const distinct = [...new Set(sorted)];
    if (distinct[0] !== 1 || distinct[distinct.length - 1] !== distinct.length) note(c.window.versionGaps, `${cid}: versions ${distinct.join(',')}`);
  }
  for (const cid of exp.mustClose) {
    const s = last.get(cid);
    if (!s) { note(c.window.missing, cid); continue; }
    const all = exp.conversations.get(cid)!;
    const held = new Set(s.ids);
    const absent = all.filter((m) => !held.has(m.id)).length;
    if (absent !== s.folded) note(c.window.incomplete, `${cid} v${s.version}: ${absent - s.folded} of ${all.length} messages neither held nor folded`);
  }

  // Extract: a signals record for every snapshot version, each (version, revision) once.
  const signals = new Set<string>();
  for (const r of obs.signals) {
    const k = vkey(r.conversationId, r.snapshotVersion, r.revision);
    if (signals.has(k)) note(c.extract.repeats, k); else signals.add(k);
  }
  const signalled = new Set(obs.signals.map((r) => vkey(r.conversationId, r.snapshotVersion)));
  for (const s of obs.snapshots) if (!signalled.has(vkey(s.conversationId, s.version))) note(c.extract.missing, vkey(s.conversationId, s.version));

  // Score: a lead score for every signals record; the last one of the last snapshot; no id twice.
  const scored = new Set<string>();
  const lastScore = new Map<string, number>();
  const scoreIds = new Set<string>();
  for (const s of obs.scores) {
    scored.add(vkey(s.conversationId, s.snapshotVersion, s.revision));
    lastScore.set(s.conversationId, Math.max(lastScore.get(s.conversationId) ?? 0, s.snapshotVersion));
    if (scoreIds.has(s.eventId)) note(c.score.duplicateScoreIds, s.eventId); else scoreIds.add(s.eventId);
  }
  for (const k of signals) if (!scored.has(k)) note(c.score.missing, k);
  for (const [cid, s] of last) if (lastScore.get(cid) !== s.version) note(c.score.notLast, `${cid}: last snapshot v${s.version}, last lead score v${lastScore.get(cid) ?? '-'}`);
  const eventIds = new Set<string>();
  for (const id of obs.eventIds) if (eventIds.has(id)) note(c.score.duplicateEventIds, id); else eventIds.add(id);

  c.ok = [c.normalize.lost, ...Object.values(c.window), ...Object.values(c.extract), ...Object.values(c.score)].every((f) => f.count === 0);
  return c;
}

/** One line per stage, for the run's summary. */
export function formatStageCheck(c: StageCheck): string[] {
  const f = (name: string, x: StageFindings) => `${name} ${x.count}${x.count ? ` (e.g. ${x.examples.slice(0, 3).join('; ')})` : ''}`;
  return [
    `  normalize         ${f('lost', c.normalize.lost)}; ${c.normalize.repeats} ids repeated upstream`,
    `  window            ${f('version gaps', c.window.versionGaps)}, ${f('version repeats', c.window.versionRepeats)}, ${f('wrong content', c.window.wrongContent)}, ${f('incomplete last snapshots', c.window.incomplete)}, ${f('no snapshot', c.window.missing)} (${c.conversationsClosed} conversations must have closed)`,
    `  extract           ${f('snapshots without signals', c.extract.missing)}, ${f('repeated', c.extract.repeats)}`,
    `  score             ${f('signals without a lead score', c.score.missing)}, ${f('last score not of the last snapshot', c.score.notLast)}, ${f('duplicate score ids', c.score.duplicateScoreIds)}, ${f('duplicate event ids', c.score.duplicateEventIds)}`,
  ];
}
