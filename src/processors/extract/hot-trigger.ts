// The window stage's hot-trigger port: a strong buying signal in a customer
// message emits a snapshot at once instead of waiting for the session gap.
import type { NormalizedMessage } from '../normalize/message.js';
import type { SignalCatalog } from './catalog.js';
import { configError } from '../../core/errors.js';
import { detectSignalIds } from './detect-signals.js';

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
  const detect = (m: NormalizedMessage): string[] => {
    if (triggers.signals.length === 0 || m.op !== 'upsert' || m.sender.role !== 'customer' || !m.body) return [];
    return detectSignalIds(triggers, m.body, m.language.code);
  };
  return Object.assign(detect, { unknownTriggers });
}
