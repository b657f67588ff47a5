// Deterministic event ids: UUID v5 (RFC 9562, SHA-1 name-based) of the
// conversation, snapshot version and scoring version, so a replay or a restart
// that produces the same output produces the same id and consumers can drop it.
import { createHash } from 'node:crypto';

/** leadwire's namespace: UUID v5 of the URL namespace and "https://leadwire.dev/events". */
export const LEADWIRE_NAMESPACE = '8c3b2f5e-6a0f-5b1e-9a57-3f0c2d6b4e11';

export function uuidV5(name: string, namespace = LEADWIRE_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`namespace ${namespace} is not a UUID`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// A re-extraction of the same snapshot (revision > 0, after the LLM was down) is new content: it gets its own id.
const rev = (r: number) => (r > 0 ? `:r${r}` : '');

export function leadScoreEventId(conversationId: string, snapshotVersion: number, scoringVersion: string, revision = 0): string {
  return uuidV5(`lead-score:${conversationId}:${snapshotVersion}:${scoringVersion}${rev(revision)}`);
}

export function leadEventId(conversationId: string, snapshotVersion: number, scoringVersion: string, toTier: string, revision = 0): string {
  return uuidV5(`lead-event:${conversationId}:${snapshotVersion}:${scoringVersion}:${toTier}${rev(revision)}`);
}
