// What the rules learn from one message: its signal matches and its
// sentiment. Both are pure functions of (catalog, language, text), and every
// snapshot of a conversation repeats its whole transcript, so the extract
// stage memoizes them: a snapshot then costs a match for its new messages only,
// not for the 60 it carries.
import type { SignalCatalog, SignalRole } from './catalog.js';
import { detectSignals, type SignalMatch } from './detect-signals.js';
import { messageSentiment } from './sentiment.js';

export interface MessageAnalysis {
  /** Never modified by callers: a memoizing analyzer hands the same arrays out again. */
  readonly matches: readonly SignalMatch[];
  /** −1 … 1 */
  readonly sentiment: number;
}

/** Agent messages are analyzed too (for the acts their answers refer to), so the role is part of the input. */
export type MessageAnalyzer = (text: string, lang: string | undefined, role?: SignalRole) => MessageAnalysis;

/** Analyzes every time (one-off extractions: evaluation, recalibration). */
export function plainAnalyzer(catalog: SignalCatalog): MessageAnalyzer {
  return (text, lang, role = 'customer') => ({ matches: detectSignals(catalog, text, lang, role), sentiment: role === 'customer' ? messageSentiment(text, lang).score : 0 });
}

/**
 * Memoizes `plainAnalyzer` in an LRU that holds at most `maxChars` characters
 * of message text, keyed by (language, text). One per extract task: a
 * conversation's snapshots always land on the same partition, so its messages
 * are found where they were analyzed. The bound is in characters, not entries,
 * because the texts are what takes the memory. 0 turns the memo off.
 */
export function memoAnalyzer(catalog: SignalCatalog, maxChars: number): MessageAnalyzer {
  return memoize(plainAnalyzer(catalog), maxChars);
}

/** `analyze` behind an LRU of at most `maxChars` characters of keys. */
export function memoize(analyze: MessageAnalyzer, maxChars: number): MessageAnalyzer {
  if (maxChars <= 0) return analyze;
  // A Map iterates in insertion order: re-inserting on a hit keeps the oldest first.
  const memo = new Map<string, MessageAnalysis>();
  let chars = 0;
  return (text, lang, role = 'customer') => {
    const key = `${role === 'customer' ? '' : 'a'}${lang ?? ''}\u0000${text}`;
    const hit = memo.get(key);
    if (hit) {
      memo.delete(key);
      memo.set(key, hit);
      return hit;
    }
    const a = analyze(text, lang, role);
    if (key.length > maxChars) return a;
    memo.set(key, a);
    chars += key.length;
    for (const old of memo.keys()) {
      if (chars <= maxChars) break;
      memo.delete(old);
      chars -= old.length;
    }
    return a;
  };
}
