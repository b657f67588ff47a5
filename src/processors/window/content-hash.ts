import { createHash } from 'node:crypto';
import type { ConversationSnapshot } from '../../records/conversation-snapshot.js';

type HashedPart = Pick<ConversationSnapshot, 'transcript' | 'counters' | 'folded' | 'language' | 'contact' | 'pii'>;

/**
 * sha256 over what downstream stages read: the transcript entries (ids,
 * roles, bodies, repeats) and the counters. Emission metadata (version,
 * reason, emittedAt, triggers) is left out so that the same content always
 * hashes the same, which is how "nothing changed" is detected.
 */
export function contentHash(s: HashedPart): string {
  const entries = s.transcript.map((e) => [e.id, e.role, e.senderId, e.body, e.repeat, e.repeatIds ?? []]);
  const c = s.counters;
  const f = s.folded;
  const payload = JSON.stringify([
    entries,
    [c.customer, c.agent, c.bot, c.unknown, c.total],
    [f.messages, f.customer, f.agent, f.chars],
    s.language.code,
    s.contact ? [s.contact.type, s.contact.id] : null,
    [s.pii.emails, s.pii.phones, s.pii.cards, s.pii.ids],
  ]);
  return createHash('sha256').update(payload).digest('hex');
}
