// Deterministic event ids: UUID v5 (RFC 9562, SHA-1 name-based) of the
// conversation, snapshot version and scoring version, so a replay or a restart
// that produces the same output produces the same id and consumers can drop it.
import { uuidV5 } from '../core/uuid-v5.js';

/** leadwire's namespace: UUID v5 of the URL namespace and "https://leadwire.dev/events". */
export const LEADWIRE_NAMESPACE = '8c3b2f5e-6a0f-5b1e-9a57-3f0c2d6b4e11';

// A re-extraction of the same snapshot (revision > 0, after the LLM was down) is new content: it gets its own id.
const rev = (r: number) => (r > 0 ? `:r${r}` : '');

export function leadScoreEventId(conversationId: string, snapshotVersion: number, scoringVersion: string, revision = 0): string {
  return uuidV5(`lead-score:${conversationId}:${snapshotVersion}:${scoringVersion}${rev(revision)}`, LEADWIRE_NAMESPACE);
}

export function leadEventId(conversationId: string, snapshotVersion: number, scoringVersion: string, toTier: string, revision = 0): string {
  return uuidV5(`lead-event:${conversationId}:${snapshotVersion}:${scoringVersion}:${toTier}${rev(revision)}`, LEADWIRE_NAMESPACE);
}
