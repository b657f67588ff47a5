// Synthetic chat traffic with the shapes of real WireChat traffic (DESIGN.md,
// "Real traffic"): mostly Spanish, short bursts, heavy-tailed gaps, customers
// and agents. Deterministic from a seed so tests and benchmarks are repeatable.
import type { NormalizedMessage, Role } from '../../src/records/normalized-message.js';

export interface TrafficOptions {
  conversations: number;
  seed: number;
  /** Event time of the first conversation start, epoch ms. */
  startMs: number;
  /** Mean time between conversation starts (802 conversations over three weeks ≈ 37 min). */
  arrivalMeanMs?: number;
  /** Share of English conversations. */
  englishShare?: number;
}

export interface WireMessageRow {
  id: string;
  conversation_id: string;
  sendable_id: string;
  sendable_type: string;
  body: string;
  type: string;
  /** UTC, `YYYY-MM-DD HH:MM:SS.mmm` (a `timestamp without time zone` literal). */
  created_at: string;
  updated_at: string;
}

export const CUSTOMER_TYPE = 'App\\Models\\Customer';
export const AGENT_TYPE = 'App\\Models\\User';
/** Message ids start above 2^53 so that anything that turns them into numbers breaks visibly. */
export const FIRST_MESSAGE_ID = 9_007_199_254_740_993n;

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Piecewise log-linear inverse CDF through observed quantiles [p, value]. */
function quantileSampler(points: Array<[number, number]>): (u: number) => number {
  return (u) => {
    for (let i = 1; i < points.length; i++) {
      const [p1, v1] = points[i]!;
      const [p0, v0] = points[i - 1]!;
      if (u <= p1) {
        const k = (u - p0) / (p1 - p0);
        return Math.exp(Math.log(v0) + k * (Math.log(v1) - Math.log(v0)));
      }
    }
    return points[points.length - 1]![1];
  };
}

// Time between a customer's messages: p10 8 s, p50 63 s, p75 3 min, p90 67 min once the
// repeat bursts below (2–10 s apart) are mixed in, so these points sit a little higher.
const customerGapSeconds = quantileSampler([[0, 3], [0.1, 10], [0.5, 75], [0.75, 220], [0.9, 5400], [0.96, 12 * 3600], [0.99, 72 * 3600], [1, 120 * 3600]]);

// Buying phrases and the short bursts real customers send ("El precio" six times in a minute).
const ES_SHORT = [
  'El precio', 'Precio', 'Precio?', 'Hola', 'Buenas', 'Buenos días', 'Buenas tardes', '500', '1000', 'Colombia', 'México', 'Perú',
  'Gracias', 'Ok', 'Si', 'Sí', 'ok gracias', 'Info', 'Información', 'Cuánto cuesta', 'cuanto vale', 'Catálogo', 'Envíos?', 'Disponible?',
  '500 unidades', 'Quiero cotizar', 'Ubicación?', '👍', 'Ya', 'Dale', 'Bogotá', 'Lima', 'Whatsapp?', 'Tallas?', 'Colores?', 'Mayoreo?',
];
const ES_MEDIUM = [
  'Quisiera un video', 'cuánto cuesta', 'quiero una cotización', 'Me interesa el producto', 'Hacen envíos a Colombia?',
  'Cuál es el pedido mínimo?', 'tienen catálogo?', 'qué colores tienen', 'Me puede enviar fotos', 'es para mi negocio',
  'cuánto cuesta el envío', 'Necesito 200 piezas', 'precio por mayor?', 'Me manda la ubicación', 'en cuánto tiempo llega?',
  'Tienen en color negro?', 'Quiero hacer un pedido', 'cuál es el precio por docena', 'aceptan tarjeta?', 'me interesa para revender',
  'quisiera visitar la fábrica', 'me pueden llamar?', 'Cuánto sale con envío a Medellín?', 'Qué precio tiene x mayor',
];
const ES_SENTENCE = [
  'Buenas tardes, me regala el precio por favor', 'hola, cuánto cuesta el envío a Barranquilla?', 'Quisiera un video de cómo funciona la máquina',
  'Me interesa, cuál es el precio por 500 unidades?', 'Buenos días, tienen disponible en talla M y L?', 'Necesito la cotización hoy mismo para aprobarla',
  'Cuánto se demora el envío a Quito? Lo necesito urgente', 'Hola buenas, me pasan el catálogo con precios por favor',
  'ok, y si compro 1000 unidades cuánto me queda cada una?', 'Perfecto, cómo hago el pago? Por transferencia o Nequi?',
]
const ES_LONG = [
  'Buenas tardes, quisiera saber el precio por mayor de 500 unidades y el tiempo de entrega a Bogotá',
  'Hola, tengo una tienda en Lima y me interesa distribuir sus productos, me pueden enviar la lista de precios',
  'Necesito una cotización para 1000 piezas con mi logo, es para un evento en diciembre',
  'Buenos días, vi su publicación en Facebook y quisiera más información sobre los precios y formas de pago',
  'Somos una empresa de Guadalajara y producimos más de 500 unidades al mes, buscamos proveedor fijo',
  'hola quisiera un video del producto funcionando porque la vez pasada me llegó uno dañado de otra tienda',
  'Me podría decir si tienen disponibilidad para entregar 300 unidades la próxima semana? Necesito factura',
  'Disculpe la molestia, ya hice la transferencia ayer en la tarde, me confirma si le llegó por favor para coordinar el envío 🙏',
  'Buenas noches, le escribo porque necesito cotizar 2000 unidades para una campaña de fin de año de la empresa, somos distribuidores en Bogotá, Medellín y Cali, necesitamos saber precios, tiempos de producción, si pueden personalizar con logo y si dan crédito a 30 días',
  'Estoy interesado en comprar al por mayor para mi negocio en Cali, manejan descuentos por volumen? y cuánto es el mínimo de compra para tener precio de distribuidor',
];
const EN_SHORT = ['Price?', 'Hi', 'Hello', 'How much', 'Thanks', 'Ok', '500', 'Catalog?', 'Shipping?', 'Yes', 'Quote please'];
const EN_MEDIUM = [
  'I need a quote', 'how much does it cost', 'Can you send a video', 'Do you ship to Texas?', 'What is the minimum order?',
  'I want to order 500 units', 'Do you have it in black?', 'can we schedule a call?',
];
const EN_SENTENCE = [
  'Hi, can you tell me the price for 500 units please?', 'How long does shipping to Houston take? It is urgent',
  'Could you send me a video of the product working?',
]
const EN_LONG = [
  'Hi, we run a small chain of stores in Miami and would like a price list for wholesale orders of around 500 units',
  'Could you send me a quote for 1000 pieces with our logo printed, we need them before the end of the month',
  'Hello, I saw your ad and I am interested, what payment methods do you accept and how long does shipping take?',
];
const ES_AGENT = [
  'Hola, gracias por escribirnos', 'Con gusto, ¿cuántas unidades necesita?', 'El precio es de $25.000 por unidad',
  'Claro, le envío el catálogo', '¿A qué ciudad sería el envío?', 'El pedido mínimo es de 50 unidades',
  'Le comparto el video en un momento', 'Sí, tenemos disponibilidad', 'Por mayor el precio baja a $19.000 desde 100 unidades',
  'Buenos días, ¿en qué le podemos ayudar?', 'El envío tarda de 3 a 5 días hábiles',
];
const EN_AGENT = ['Hi, thanks for reaching out', 'The price is $12 per unit', 'Sure, here is our catalog', 'Where would we ship it?', 'Minimum order is 50 units'];

const ACCENTS = /[áéíóú]/g;
const PLAIN: Record<string, string> = { á: 'a', é: 'e', í: 'i', ó: 'o', ú: 'u' };

/** Typos the way people type on phones: lower case, no accents, no final punctuation. */
function roughen(r: () => number, text: string): string {
  let t = text;
  if (r() < 0.3) t = t.toLowerCase();
  if (r() < 0.3) t = t.replace(ACCENTS, (c) => PLAIN[c] ?? c);
  if (r() < 0.15) t = t.replace(/[?.!]$/, '');
  if (r() < 0.05) t = `${t} 😊`;
  return t;
}

function customerText(r: () => number, en: boolean): { body: string; phones: number } {
  if (r() < 0.02) return { body: en ? 'my number is [phone]' : pick(r, ['mi número es [phone]', 'me puede llamar al [phone]', '[phone]']), phones: 1 };
  const u = r();
  const list = u < 0.44 ? (en ? EN_SHORT : ES_SHORT)
    : u < 0.78 ? (en ? EN_MEDIUM : ES_MEDIUM)
      : u < 0.94 ? (en ? EN_SENTENCE : ES_SENTENCE)
        : (en ? EN_LONG : ES_LONG);
  return { body: roughen(r, pick(r, list)), phones: 0 };
}

const wordCount = (s: string) => s.split(/\s+/u).filter(Boolean).length;

interface Draft { conversation: number; at: number; role: Role; senderId: string; body: string; phones: number; en: boolean; seq: number }

function message(d: Draft, id: bigint): NormalizedMessage {
  const words = wordCount(d.body);
  const reliable = words >= 4;
  return {
    schema: 'leadwire.messages.v1',
    op: 'upsert',
    sourceOp: 'c',
    id: id.toString(),
    conversationId: String(700_000 + d.conversation),
    replyId: null,
    sender: { type: d.role === 'customer' ? CUSTOMER_TYPE : AGENT_TYPE, id: d.senderId, role: d.role },
    type: 'text',
    body: d.body,
    bodyUnchanged: false,
    language: { code: d.en ? 'en' : 'es', confidence: reliable ? 0.9 : 0.4, reliable },
    pii: { emails: 0, phones: d.phones, cards: 0, ids: 0 },
    words,
    chars: d.body.length,
    createdAt: d.at,
    updatedAt: d.at,
    deletedAt: null,
    source: { lsn: null, txId: null, tsMs: d.at, snapshot: false, table: 'wire_messages' },
  };
}

/**
 * Conversations of customers (and the agents answering them), sorted by
 * createdAt, ids increasing with time. Customer messages per conversation:
 * p50 7, p90 17, max 110.
 */
export function generateConversations(opts: TrafficOptions): NormalizedMessage[] {
  const r = rng(opts.seed);
  const arrivalMean = opts.arrivalMeanMs ?? 37 * 60_000;
  const englishShare = opts.englishShare ?? 0.1;
  const drafts: Draft[] = [];
  let start = opts.startMs;
  let seq = 0;
  for (let c = 0; c < opts.conversations; c++) {
    if (c > 0) start += Math.round(-Math.log(1 - r()) * arrivalMean);
    const en = r() < englishShare;
    // lognormal, median 7, p90 17
    const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    const count = Math.min(110, Math.max(1, Math.round(7 * Math.exp(0.69 * z))));
    const customerId = String(100_000 + c);
    const agentId = String(1 + Math.floor(r() * 4));
    let at = start;
    let sent = 0;
    while (sent < count) {
      const { body, phones } = customerText(r, en);
      drafts.push({ conversation: c, at, role: 'customer', senderId: customerId, body, phones, en, seq: seq++ });
      sent++;
      // Short bursts: the same text again a few seconds later.
      if (sent < count && r() < 0.04) {
        const times = 1 + Math.floor(r() * 5);
        for (let k = 0; k < times && sent < count; k++) {
          at += 2_000 + Math.floor(r() * 8_000);
          drafts.push({ conversation: c, at, role: 'customer', senderId: customerId, body, phones, en, seq: seq++ });
          sent++;
        }
      }
      const gap = Math.round(customerGapSeconds(r()) * 1000);
      // An agent answers in some of the gaps, before the customer writes again.
      if (gap > 20_000 && r() < 0.45) {
        const delay = 10_000 + Math.floor(r() * Math.min(gap - 15_000, 20 * 60_000));
        drafts.push({ conversation: c, at: at + delay, role: 'agent', senderId: agentId, body: pick(r, en ? EN_AGENT : ES_AGENT), phones: 0, en, seq: seq++ });
      }
      at += gap;
    }
  }
  drafts.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return drafts.map((d, i) => message(d, FIRST_MESSAGE_ID + BigInt(i)));
}

function sqlTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** The same traffic as plain `wire_messages` rows, for tests that insert into PostgreSQL. */
export function toWireRows(messages: NormalizedMessage[]): WireMessageRow[] {
  return messages.map((m) => ({
    id: m.id,
    conversation_id: m.conversationId,
    sendable_id: m.sender.id ?? '0',
    sendable_type: m.sender.type ?? CUSTOMER_TYPE,
    body: m.body ?? '',
    type: m.type,
    created_at: sqlTimestamp(m.createdAt),
    updated_at: sqlTimestamp(m.updatedAt ?? m.createdAt),
  }));
}

/** The q-quantile of numbers (nearest rank). */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
