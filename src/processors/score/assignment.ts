// Seller assignment: the first rule that matches the conversation (by language
// or segment) picks from its sellers, else the default sellers; within a list,
// round-robin. The counter lives in the stage's store, so it survives restarts
// and a replay assigns the same sellers.
import type { KeyValueStore } from '../../stream/processor-api.js';

export interface AssignmentRule {
  language?: string;
  segment?: string;
  sellers: string[];
}

export interface AssignmentConfig {
  sellers: string[];
  rules: AssignmentRule[];
}

export interface Assignment { seller: string; rule: string }

export function createAssigner(cfg: AssignmentConfig) {
  return {
    assign(store: KeyValueStore<number>, lead: { language: string; segment: string | null }): Assignment | null {
      let list = cfg.sellers;
      let rule = 'round_robin';
      let counterKey = 'rr:default';
      cfg.rules.forEach((r, i) => {
        if (rule !== 'round_robin') return;
        const langOk = r.language === undefined || r.language === lead.language;
        const segOk = r.segment === undefined || r.segment === lead.segment;
        if (langOk && segOk && (r.language !== undefined || r.segment !== undefined) && r.sellers.length) {
          list = r.sellers;
          rule = [r.language !== undefined ? `language:${r.language}` : '', r.segment !== undefined ? `segment:${r.segment}` : ''].filter(Boolean).join(',');
          counterKey = `rr:rule${i}`;
        }
      });
      if (list.length === 0) return null;
      const n = store.get(counterKey) ?? 0;
      store.put(counterKey, n + 1);
      return { seller: list[n % list.length]!, rule };
    },
  };
}
