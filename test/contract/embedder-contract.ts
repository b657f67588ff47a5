// The one contract every Embedder meets: the local hashing embedder and the OpenAI-compatible one
// (against the fake OpenAI server) in test/unit/embed/embedder-contract.test.ts, the ONNX embedder
// with the model from Maven Central in test/integration/onnx-embedder.test.ts.
import { afterAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/ports/embedder.js';
import { dot } from '../../src/ports/embedder.js';
import { LeadwireError, type ErrorKind } from '../../src/core/errors.js';

export interface EmbedderTarget {
  name: string;
  open(): Embedder | Promise<Embedder>;
  /** Inputs per request or model run, so the batching test crosses batch borders. */
  batchSize: number;
  /**
   * Least cosine between an input embedded alone and the same input embedded in a batch (default
   * 0.9999). A dynamically quantized model scales its activations per batch, so a batch's other
   * inputs move its vectors a little; the target says by how much it may.
   */
  batchAgreement?: number;
  /**
   * The embedder with its backend failing the way it fails for real (a server answering 500, a
   * model file that is not a model), and the error kind it must report. Absent for an embedder
   * that has no backend to fail (the local one).
   */
  broken?: () => Promise<{ embedder: Embedder; kind: ErrorKind; retriable: boolean }>;
  afterAll?(): Promise<void> | void;
}

const norm = (v: number[]) => Math.sqrt(dot(v, v));

/** Shop talk of the real traffic (Spanish, short, typos, emoji) and English, to fill long inputs. */
const SENTENCES = [
  'Buenas tardes, quisiera una cotización de 500 unidades para Colombia.',
  'What is the price of the packing machine and do you ship to Lima?',
  'Necesito saber si tienen financiamiento o pago en cuotas 🙏',
  'We produce 3000 boxes a day and want to visit the factory next week.',
];

export function runEmbedderContract(target: EmbedderTarget): void {
  describe(`Embedder contract: ${target.name}`, () => {
    if (target.afterAll) afterAll(() => target.afterAll!());

    it('gives one finite unit vector per input, of the size it reports', async () => {
      const e = await target.open();
      const out = await e.embed(SENTENCES);
      expect(out).toHaveLength(SENTENCES.length);
      expect(e.dimensions).toBeGreaterThan(0);
      for (const v of out) {
        expect(v).toHaveLength(e.dimensions!);
        expect(v.every(Number.isFinite)).toBe(true);
        expect(norm(v)).toBeCloseTo(1, 4);
      }
    });

    it('is deterministic: the same text gives the same vector, another text another vector', async () => {
      const a = await target.open();
      const b = await target.open();
      const [x] = await a.embed([SENTENCES[0]!]);
      const [y] = await b.embed([SENTENCES[0]!]);
      const [z] = await a.embed([SENTENCES[0]!]);
      expect(a.id).toBe(b.id);
      for (let i = 0; i < x!.length; i++) {
        expect(y![i]).toBeCloseTo(x![i]!, 6);
        expect(z![i]).toBeCloseTo(x![i]!, 6);
      }
      const [w] = await a.embed([SENTENCES[1]!]);
      expect(dot(x!, w!)).toBeLessThan(0.99);
    });

    it('batches: many inputs in one call equal each input alone, in input order', async () => {
      const e = await target.open();
      const texts = Array.from({ length: target.batchSize * 2 + 1 }, (_, i) => `${SENTENCES[i % SENTENCES.length]!} ${'x'.repeat(i % 7)} ${i}`);
      const together = await e.embed(texts);
      expect(together).toHaveLength(texts.length);
      for (const i of [0, target.batchSize, texts.length - 1]) {
        const [alone] = await e.embed([texts[i]!]);
        expect(dot(alone!, together[i]!)).toBeGreaterThan(target.batchAgreement ?? 0.9999);
        // The same batch again gives the same vectors: a replay is idempotent.
        expect(dot((await e.embed(texts))[i]!, together[i]!)).toBeGreaterThan(0.999999);
      }
    });

    it('takes an empty list and an empty text', async () => {
      const e = await target.open();
      expect(await e.embed([])).toEqual([]);
      const [v] = await e.embed(['']);
      expect(v!.length).toBeGreaterThan(0);
      expect(v!.every(Number.isFinite)).toBe(true);
      // No words: a zero vector (nothing to say) or a unit one (a model's vector of its special tokens).
      expect([0, 1].some((n) => Math.abs(norm(v!) - n) < 1e-4)).toBe(true);
    });

    it('takes an input as long as maxInputChars', async () => {
      const e = await target.open();
      let huge = '';
      for (let i = 0; huge.length < e.maxInputChars; i++) huge += `${SENTENCES[i % SENTENCES.length]!} `;
      huge = huge.slice(0, e.maxInputChars);
      const [v, short] = await e.embed([huge, SENTENCES[0]!]);
      expect(v!.every(Number.isFinite)).toBe(true);
      expect(norm(v!)).toBeCloseTo(1, 4);
      expect(norm(short!)).toBeCloseTo(1, 4);
    });

    it('handles any unicode: emoji, CJK, right-to-left, combining marks, lone surrogates', async () => {
      const e = await target.open();
      const texts = ['👍🏽🔥 precio?', '价格是多少', 'كم السعر', 'cotizacio\u0301n', 'cotización', 'broken \ud800 surrogate', '\u200b\u200b'];
      const out = await e.embed(texts);
      for (const v of out) expect(v.every(Number.isFinite)).toBe(true);
      // The same word composed or decomposed (NFC / NFD, as different keyboards send it) is the same text.
      expect(dot(out[3]!, out[4]!)).toBeGreaterThan(0.99);
    });

    it('rejects input that is not text with a validation error, before any work', async () => {
      const e = await target.open();
      for (const bad of [[null], [42], ['ok', undefined]] as unknown[][]) {
        const err = await e.embed(bad as string[]).catch((x: unknown) => x);
        expect(err).toBeInstanceOf(LeadwireError);
        expect((err as LeadwireError).kind).toBe('validation');
        expect((err as LeadwireError).retriable).toBe(false);
      }
    });

    if (target.broken) {
      it('reports a failing backend as a LeadwireError saying whether a retry can help', async () => {
        const { embedder, kind, retriable } = await target.broken!();
        const err = await embedder.embed([SENTENCES[0]!]).catch((x: unknown) => x);
        expect(err).toBeInstanceOf(LeadwireError);
        expect((err as LeadwireError).kind).toBe(kind);
        expect((err as LeadwireError).retriable).toBe(retriable);
      });
    }
  });
}
