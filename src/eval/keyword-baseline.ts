// The trivial baseline every figure is shown beside: ten keywords per language
// that a person would write down in a minute, matched as word starts ("buy"
// also finds "buying", "precio" also "precios"), case and accents folded.
// Any customer message with one of them makes the conversation high; the rest
// is low. If the rules cannot beat this, they are not worth their complexity.
import { foldString } from '../processors/extract/fold-text.js';
import type { EvalLabel, LabelledConversation } from './labelled-conversation.js';

export const BASELINE_KEYWORDS = {
  en: ['buy', 'purchase', 'order', 'price', 'quote', 'book', 'reserve', 'demo', 'call', 'interested'],
  es: ['comprar', 'precio', 'cotizacion', 'pedido', 'reservar', 'demo', 'llamar', 'cita', 'interesa', 'agendar'],
} as const;

const KEYWORDS = new RegExp(`(?<![\\p{L}\\p{N}])(?:${[...BASELINE_KEYWORDS.en, ...BASELINE_KEYWORDS.es].join('|')})`, 'u');

export function keywordBaseline(conv: LabelledConversation): EvalLabel {
  return conv.messages.some((m) => m.role === 'customer' && KEYWORDS.test(foldString(m.body))) ? 'high' : 'low';
}
