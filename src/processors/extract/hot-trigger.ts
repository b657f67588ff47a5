// The window stage's hot-trigger port: a strong buying signal in a customer
// message emits a snapshot at once instead of waiting for the session gap.
import type { NormalizedMessage } from '../normalize/message.js';
import type { SignalCatalog } from './catalog.js';
import { configError } from '../../core/errors.js';
import { detectSignalIds } from './detect-signals.js';
import { foldString } from './fold-text.js';

const BOUNDARY_BEFORE = '(?<![\\p{L}\\p{N}])(?:';
const BOUNDARY_AFTER = ')(?![\\p{L}\\p{N}])';

/** A compiled pattern's body without its word-boundary wrapper and named groups (see compilePattern). */
function patternBody(source: string): string {
  const body = source.startsWith(BOUNDARY_BEFORE) && source.endsWith(BOUNDARY_AFTER) ? source.slice(BOUNDARY_BEFORE.length, -BOUNDARY_AFTER.length) : source;
  return body.replace(/\(\?<[A-Za-z_]\w*>/g, '(?:');
}

export type HotTriggerDetector = ((m: NormalizedMessage) => string[]) & {
  /** Trigger ids the catalog does not define (e.g. asks_visit with the default catalog): they never fire. */
  readonly unknownTriggers: string[];
};

/**
 * Unknown trigger ids are tolerated, not fatal: the default trigger list names
 * business-specific signals that only some catalogs define. Callers log
 * `unknownTriggers`; `strict` turns them into a config error.
 */
export function createHotTriggerDetector(catalog: SignalCatalog, triggerIds: string[], opts: { strict?: boolean } = {}): HotTriggerDetector {
  const unknownTriggers = triggerIds.filter((id) => !catalog.byId.has(id));
  if (opts.strict && unknownTriggers.length) {
    throw configError(`Hot triggers ${unknownTriggers.join(', ')} are not signals of catalog ${catalog.version}; known: ${[...catalog.byId.keys()].join(', ')}`);
  }
  const wanted = new Set(triggerIds);
  // Runs on every customer message in the window stage: match only the trigger
  // signals, not the whole catalog (the full catalog was a quarter of the
  // pipeline's time).
  const triggers: SignalCatalog = { ...catalog, signals: catalog.signals.filter((s) => wanted.has(s.id)) };
  // One alternation of every trigger pattern (word boundaries hoisted out, named
  // groups dropped) answers "could anything fire?" in one scan, and one per
  // signal picks the signals worth the exact per-pattern matching with its
  // negation and number checks. Most chat lines ("hola", "ok", "500") stop at
  // the first test.
  const alternation = (sig: SignalCatalog['signals']) => {
    const bodies = sig.flatMap((x) => x.patterns.map((p) => patternBody(p.regex.source)));
    return bodies.length ? new RegExp(`${BOUNDARY_BEFORE}${bodies.join('|')}${BOUNDARY_AFTER}`, 'iu') : null;
  };
  const prefilter = alternation(triggers.signals);
  const perSignal = triggers.signals.map((sig) => ({ sig, re: alternation([sig])! })).filter((x) => x.re);
  const detect = (m: NormalizedMessage): string[] => {
    if (!prefilter || m.op !== 'upsert' || m.sender.role !== 'customer' || !m.body) return [];
    // Whole-string folding (native) instead of foldText's per-character walk with
    // offsets: the same text except for context-dependent lower-casing (Greek
    // final sigma), which no trigger pattern uses. The exact matching below
    // folds with offsets again, only for messages that passed.
    const folded = foldString(m.body);
    if (!prefilter.test(folded)) return [];
    const candidates = perSignal.filter((x) => x.re.test(folded)).map((x) => x.sig);
    return detectSignalIds({ ...triggers, signals: candidates }, m.body, m.language.code);
  };
  return Object.assign(detect, { unknownTriggers });
}
