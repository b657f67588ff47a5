// The window stage's hot-trigger port: a strong buying signal in a customer
// message emits a snapshot at once instead of waiting for the session gap.
import type { NormalizedMessage } from '../../records/normalized-message.js';
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
  // signals (and the acts their `unless` names, so "order a new card, mine was
  // stolen" stays servicing), not the whole catalog.
  const needed = new Set(triggerIds);
  for (const id of triggerIds) for (const u of catalog.byId.get(id)?.unless ?? []) needed.add(u);
  const triggers: SignalCatalog = { ...catalog, signals: catalog.signals.filter((s) => needed.has(s.id)) };
  // Regex patterns: one alternation of every trigger pattern (word boundaries
  // hoisted out, named groups dropped) answers "could a pattern fire?" in one
  // scan. Grammar rules rule themselves out on the message's tags (mayMatch).
  const bodies = triggers.signals.filter((x) => wanted.has(x.id)).flatMap((x) => x.patterns.map((p) => patternBody(p.regex.source)));
  const prefilter = bodies.length ? new RegExp(`${BOUNDARY_BEFORE}${bodies.join('|')}${BOUNDARY_AFTER}`, 'iu') : null;
  const hasRules = triggers.signals.some((x) => wanted.has(x.id) && x.rules.length > 0);
  const detect = (m: NormalizedMessage): string[] => {
    if ((!prefilter && !hasRules) || m.op !== 'upsert' || m.sender.role !== 'customer' || !m.body) return [];
    // Whole-string folding (native) for the pattern prefilter; the grammar
    // tokenizes with offsets itself.
    if (!hasRules && !prefilter!.test(foldString(m.body))) return [];
    return detectSignalIds(triggers, m.body, m.language.code).filter((id) => wanted.has(id));
  };
  return Object.assign(detect, { unknownTriggers });
}
