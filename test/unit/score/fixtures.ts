import { loadCatalog } from '../../../src/processors/extract/catalog.js';
import type { SignalsRecord } from '../../../src/records/signals-record.js';
import { signalsFromLabelled } from '../../../src/eval/labelled-signals.js';

export const catalog = loadCatalog('default');
export const T0 = Date.UTC(2026, 4, 1, 10);

type Msg = { role: 'customer' | 'agent'; body: string; at?: number };

/** A signals record as the extract stage would produce it for these messages. */
export function signals(conversationId: string, messages: Msg[], snapshotVersion = 1): SignalsRecord {
  return signalsFromLabelled({
    conversation_id: conversationId,
    label: 'low',
    messages: messages.map((m, i) => ({ id: String(i + 1), role: m.role, body: m.body, created_at: m.at ?? T0 + i * 30_000 })),
  }, catalog, T0, snapshotVersion);
}

export const HOT: Msg[] = [
  { role: 'customer', body: 'Hola, quiero una cotización para 50 máquinas' },
  { role: 'agent', body: 'Con gusto, ¿para qué ciudad?' },
  { role: 'customer', body: 'Bogotá. ¿Me pueden llamar mañana? Necesito comprar pronto' },
];
export const LUKEWARM: Msg[] = [{ role: 'customer', body: 'cuánto cuesta?' }];
export const SUPPORT: Msg[] = [{ role: 'customer', body: 'Where is my order? It has not arrived yet and I want to complain' }];
