// Huge bodies cost little more than their JSON parse: decoded in part, cleaned
// from a short prefix first, fingerprinted and language-detected on bounded
// samples. None of it may change the message that comes out.
import { describe, expect, it } from 'vitest';
import { cleanText, rawCapOf, truncate } from '../../../src/processors/normalize/clean-text.js';
import { redactPii } from '../../../src/processors/normalize/redact-pii.js';
import { bodyFingerprint } from '../../../src/processors/normalize/dedupe-cache.js';
import { detectLanguage } from '../../../src/processors/normalize/detect-language.js';
import { makeDebeziumEvent } from '../../fixtures/debezium/make-event.js';
import { createHarness } from './harness.js';

const T = 1_714_557_600_000;
const MAX = 2000;

const BODIES: Array<[string, string]> = [
  ['plain', 'Necesito cotizar 500 unidades. '.repeat(34_000)],
  ['one word', 'x'.repeat(1024 * 1024)],
  ['markup-heavy', '<div class="a"><span>x</span></div>\n'.repeat(30_000)],
  ['whitespace-heavy', `hola${' '.repeat(40)}`.repeat(20_000)],
  ['pii and accents', 'Mi correo es ana@empresa.co, cel +57 300 123 4567, ¿cuánto cuesta el envío? '.repeat(12_000)],
  ['emoji', '👩‍💻 quiero precio 😀 '.repeat(40_000)],
  ['cjk', '价格是多少'.repeat(60_000)],
];

/** Cleaning as it was before the short first pass: the raw text cut at 4x the cap, cleaned, cut to the cap. */
function cleanFrom4x(raw: string, max: number): { text: string; truncated: boolean } {
  let truncated = raw.length > rawCapOf(max);
  const cut = truncated ? truncate(raw, rawCapOf(max)) : raw;
  // A cap this large never takes the short first pass nor cuts anything.
  let text = cleanText(cut, 3 * cut.length + 1000).text;
  if (text.length > max) { text = truncate(text, max); truncated = true; }
  return { text, truncated };
}

async function normalizeBody(body: string) {
  const h = await createHarness({ maxBodyChars: MAX });
  await h.pipe('{"id":501}', makeDebeziumEvent({ id: 501, conversation_id: 77, sendable_type: 'App\\Models\\Customer', body, type: 'text', created_at: T, updated_at: T }, 'c', { lsn: 24_000_000, txId: 900 }).value);
  expect(h.driver.deadLetters).toHaveLength(0);
  return h.messages()[0]!;
}

describe('huge bodies', () => {
  for (const [what, body] of BODIES) {
    it(`${what}: the same message as from the start of the body that cleaning reads`, async () => {
      // A body only a little longer than what cleaning reads is never decoded in part.
      const reference = await normalizeBody(body.slice(0, rawCapOf(MAX) + 10));
      const got = await normalizeBody(body);
      expect(got).toEqual(reference);
      // And the short first pass of cleaning changed nothing either.
      const before = cleanFrom4x(body, MAX);
      expect(got.body).toBe(redactPii(before.text).text);
      expect(got.bodyTruncated).toBe(before.truncated);
      expect(got.bodyTruncated).toBe(true);
      expect(got.chars).toBeLessThanOrEqual(MAX);
    });
  }

  it('cleaning from the short prefix gives what cleaning from the 4x prefix gives', () => {
    for (const [what, body] of BODIES) {
      for (const max of [100, 2000, 20_000]) {
        for (const len of [max, Math.floor(max * 1.3) + 300, 2 * max, 4 * max + 1, body.length]) {
          const raw = body.slice(0, len);
          expect(cleanText(raw, max), `${what} ${max} ${len}`).toEqual(cleanFrom4x(raw, max));
        }
      }
    }
  });

  it('fingerprints hash only the given prefix, but count the whole length', () => {
    const a = 'x'.repeat(100_000);
    const b = `${'x'.repeat(99_999)}y`;
    expect(bodyFingerprint(a, 80_000)).toBe(bodyFingerprint(b, 80_000));
    expect(bodyFingerprint(a)).not.toBe(bodyFingerprint(b));
    expect(bodyFingerprint(a, 80_000)).not.toBe(bodyFingerprint(a.slice(1), 80_000));
    expect(bodyFingerprint('hola', 80_000)).toBe(bodyFingerprint('hola'));
  });

  it('language detection reads the first 2,048 characters', () => {
    const es = 'Hola, quisiera saber el precio de la máquina y el envío a Cali. ';
    const en = 'Could you please send me the price of the machine and the shipping? ';
    const text = es.repeat(40) + en.repeat(400);
    expect(detectLanguage(text, 100).code).toBe('es');
  });
});
