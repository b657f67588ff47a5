// Replaces personal data in cleaned text with typed placeholders before the
// text can reach logs, topics or an LLM, and counts what it replaced (the fact
// "the customer shared a phone" is a buying signal; the number is not).
//
// Quantities and money must survive: "500 unidades", "$ 12.500.000", "2024"
// are what the scoring reads. So every pattern is specific (a shape, a Luhn
// check, or an id keyword right before it) and bare digit runs are only taken
// when long and not next to a currency or a unit.
import type { PiiFacts } from '../../records/normalized-message.js';

export interface RedactedText {
  text: string;
  pii: PiiFacts;
}

export const PII_PLACEHOLDERS = { email: '[email]', phone: '[phone]', card: '[card]', id: '[id]' } as const;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

// 13–19 contiguous digits, or the printed groupings (4-4-4-4[-1..3], Amex 4-6-5)
// with one consistent separator. Luhn decides.
const CARD = /(?<![\d.,])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?|\d{4}([ -])\d{6}\2\d{4,5})(?!\d|[.,]\d)/g;

const SSN = /(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])/g;
// Colombian NIT with its check digit: 900.123.456-7 / 900123456-7.
const NIT = /(?<![\d.])\d{3}\.?\d{3}\.?\d{3}-\d(?![\d])/g;
// A document keyword, then the number (digits with optional dots/dashes/spaces, or a passport-like code).
const KEYWORD_ID = /(\b(?:c\.\s?c\.?|cc|c[ée]dula(?:\s+de\s+(?:ciudadan[ií]a|extranjer[ií]a))?|documento(?:\s+de\s+identidad)?|doc\.?|dni|nit|rut|rfc|curp|pasaporte|passport|ssn|id(?:\s+number)?|identificaci[oó]n|n[uú]mero\s+de\s+(?:documento|identificaci[oó]n|c[ée]dula))(?:\s*(?:n[º°o.]+|#|number|es|no\.?|:))*\s*[:#]?\s*)([A-Za-z]{1,3}-?\d{5,12}|\d{1,3}(?:[.,]\d{3}){1,3}(?:-\d)?|\d{5,12}(?:-\d)?)(?![\d.,]\d|\d)/giu;

// Phones, most specific first. International: "+" country code then groups.
const PHONE_INTL = /(?<![\w+])\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){1,5}(?!\d)/g;
// (305) 555-0100
const PHONE_PAREN = /(?<!\d)\(\d{2,4}\)[ .-]?\d{3,4}[ .-]?\d{4}(?!\d)/g;
// 3-3-4 with separators (US/CO): 305-555-0100, 300 123 4567, 601.234.5678
const PHONE_334 = /(?<![\d.,$])\d{3}[ .-]\d{3}[ .-]?\d{4}(?![\d]|[.,]\d)/g;
// Colombian mobile 3001234567 / 300 1234567, landline 601 2345678; Spanish 612 34 56 78.
const PHONE_CO = /(?<![\d.,$])(?:3\d{2}|60\d)[ .-]?\d{7}(?![\d]|[.,]\d)/g;
const PHONE_ES = /(?<![\d.,$])[6789]\d{2}(?: \d{2}){3}(?![\d]|[.,]\d)/g;
// Long bare digit runs are ids (cédulas are 6–10 digits; 8+ avoids quantities and years).
const LONG_DIGITS = /(?<![\d.,$€£])\d{8,15}(?![\d]|[.,]\d)/g;

// Before a number: money or a count, not a person.
const MONEY_BEFORE = /(?:[$€£¥]|(?<!\p{L})(?:usd|us\$|cop|mxn|eur|pesos?|precio|presupuesto|valor|cuesta|costo|vale|total|price|budget|cost|pagar|pago|pay|invertir|invest))\s*[:=]?\s*$/iu;
// After a number: a unit or currency.
const UNIT_AFTER = /^\s*(?:pesos|cop|usd|dólares|dolares|dollars|eur|euros|mxn|millones|mil|k|unidades|units|uds?|piezas|pcs|pieces|kg|kilos|gr|g|ton|toneladas|litros|l|m2|mts|metros|cajas|boxes|pares|docenas|%)(?!\p{L})/iu;
// Before a number: an order, invoice or product reference, which names no person.
const REFERENCE_BEFORE = /(?<!\p{L})(?:pedido|orden|order|ref|referencia|reference|factura|invoice|gu[ií]a|tracking|sku|c[oó]digo|code|radicado|ticket|#)\.?\s*(?:n[º°o.]+\s*|#\s*|:\s*)?$/iu;

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const digitCount = (s: string) => s.replace(/\D/g, '').length;

function looksLikeAmount(text: string, offset: number, match: string): boolean {
  const before = text.slice(Math.max(0, offset - 16), offset);
  const after = text.slice(offset + match.length, offset + match.length + 16);
  return MONEY_BEFORE.test(before) || UNIT_AFTER.test(after);
}

// Cheap gate: most chat messages have no '@' and no run of 5+ digits.
const MAYBE_PII = /@|\d[\d .()\-]{4,}\d/;

export function redactPii(input: string): RedactedText {
  const pii: PiiFacts = { emails: 0, phones: 0, cards: 0, ids: 0 };
  if (!MAYBE_PII.test(input)) return { text: input, pii };
  let s = input;
  if (s.includes('@')) s = s.replace(EMAIL, () => { pii.emails++; return PII_PLACEHOLDERS.email; });

  s = s.replace(CARD, (m) => {
    const d = m.replace(/\D/g, '');
    if (d.length < 13 || d.length > 19 || !luhn(d)) return m;
    pii.cards++; return PII_PLACEHOLDERS.card;
  });
  s = s.replace(SSN, () => { pii.ids++; return PII_PLACEHOLDERS.id; });
  s = s.replace(NIT, () => { pii.ids++; return PII_PLACEHOLDERS.id; });
  s = s.replace(KEYWORD_ID, (_m, keyword: string) => { pii.ids++; return `${keyword}${PII_PLACEHOLDERS.id}`; });
  const phone = (m: string, offset: number, text: string) => {
    const n = digitCount(m);
    if (n < 7 || n > 15 || looksLikeAmount(text, offset, m)) return m;
    pii.phones++; return PII_PLACEHOLDERS.phone;
  };
  s = s.replace(PHONE_INTL, (m) => {
    const n = digitCount(m);
    if (n < 8 || n > 15) return m;
    pii.phones++; return PII_PLACEHOLDERS.phone;
  });
  s = s.replace(PHONE_PAREN, (m, offset: number, text: string) => phone(m, offset, text));
  s = s.replace(PHONE_334, (m, offset: number, text: string) => phone(m, offset, text));
  s = s.replace(PHONE_CO, (m, offset: number, text: string) => phone(m, offset, text));
  s = s.replace(PHONE_ES, (m, offset: number, text: string) => phone(m, offset, text));
  s = s.replace(LONG_DIGITS, (m, offset: number, text: string) => {
    if (looksLikeAmount(text, offset, m) || REFERENCE_BEFORE.test(text.slice(Math.max(0, offset - 16), offset))) return m;
    // 57 + a Colombian mobile, or 1 + a US number, written without "+".
    if (/^(?:573\d{9}|1[2-9]\d{9})$/.test(m)) { pii.phones++; return PII_PLACEHOLDERS.phone; }
    pii.ids++; return PII_PLACEHOLDERS.id;
  });
  return { text: s, pii };
}
