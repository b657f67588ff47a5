// The embedded default: a deterministic, dependency-free embedder built from
// hashed features (the "hashing trick"). It captures shared words, word pairs
// and character n-grams after accent folding, so "cotización", "cotizacion"
// and "cotizaciones" land close, and Spanish, English and Portuguese text all
// work without a model. It knows nothing about synonyms or meaning across
// different words ("precio" vs "cuánto cuesta"): see docs/embeddings.md.
import type { Embedder } from '../../ports/embedder.js';
import { assertTexts, normalizeInPlace } from '../../ports/embedder.js';

export interface LocalEmbedderOptions {
  dimensions?: number;
  /** Character n-gram sizes taken from each word padded with spaces. */
  ngramSizes?: number[];
}

// Function words of the languages the traffic is in. They carry no intent and,
// hashed, would make every conversation look alike.
const STOPWORDS = new Set(`
a al algo algun alguna algunas alguno algunos ante antes aqui asi aun bien cada como con contra cual cuales de del desde donde dos e el ella ellas ellos en entre era eres es esa esas ese eso esos esta estaba estamos estan estar estas este esto estos estoy fue ha hay he la las le les lo los me mi mis mucho muy nada ni no nos nosotros o os otra otro para pero poco por porque que se sea ser si sin sobre solo son su sus tambien te tengo ti tiene tu tus un una uno unos usted ustedes y ya yo
hola buenas buenos dias tardes noches gracias favor ok vale bueno
an and are as at be been but by can could did do does for from had has have i i'm im is it its just me my of on or our so than that the their them then there these they this to us was we were what when which who will with would you your yeah hi hello hey please thanks thank
um uma o os as do da dos das em no na nos nas por com para que e eu voce meu minha
`.split(/\s+/).filter(Boolean));

const COMBINING = /\p{M}+/gu;
const NON_WORD = /[^\p{L}\p{N}]+/gu;

/** Lower case, accents off, everything that is not a letter or digit becomes a space. */
export function foldForEmbedding(text: string): string {
  return text.normalize('NFKD').replace(COMBINING, '').toLowerCase().replace(NON_WORD, ' ').trim();
}

/**
 * FNV-1a (32 bit) of a kind tag followed by s[from, to), with a seed so one
 * pass gives the bucket and an independent sign. Stable across platforms and
 * versions, which the embedder id promises; no substring is allocated.
 */
function fnv1a(kind: number, s: string, from: number, to: number, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  h = Math.imul(h ^ kind, 0x01000193);
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const WORD = 1;
const BIGRAM = 2;
const NGRAM = 3;
const MAGNITUDE = 4;

// Weight of each feature kind: whole words say the most, n-grams catch
// spelling variants and inflections, word pairs a little word order.
const KIND_WEIGHT = [0, 1, 0.6, 0.35, 0.5];

export function createLocalEmbedder(opts: LocalEmbedderOptions = {}): Embedder {
  const dimensions = opts.dimensions ?? 512;
  const sizes = opts.ngramSizes ?? [3, 4, 5];
  const id = `local-hash-v1:d${dimensions}:n${sizes.join('')}`;

  // Feature hash → [kind, count]; 32-bit hashes of distinct features collide too rarely to matter.
  function features(text: string): Map<number, [number, number]> {
    const f = new Map<number, [number, number]>();
    const add = (kind: number, str: string, from: number, to: number) => {
      const h = fnv1a(kind, str, from, to, 0);
      const e = f.get(h);
      if (e) e[1]++; else f.set(h, [kind, 1]);
    };
    const all = foldForEmbedding(text).split(' ').filter(Boolean);
    const content = all.filter((w) => !STOPWORDS.has(w));
    // A text made only of function words ("hola", "ok") still gets a vector.
    const words = content.length ? content : all;
    let prev: string | null = null;
    for (const w of words) {
      add(WORD, w, 0, w.length);
      if (/^\d+$/.test(w)) {
        // Its magnitude too: "50" and "60" share "tens".
        const mag = String(Math.min(w.replace(/^0+/, '').length, 9));
        add(MAGNITUDE, mag, 0, 1);
      } else {
        const padded = ` ${w} `;
        for (const n of sizes) {
          for (let i = 0; i + n <= padded.length; i++) add(NGRAM, padded, i, i + n);
        }
      }
      if (prev !== null) { const pair = `${prev} ${w}`; add(BIGRAM, pair, 0, pair.length); }
      prev = w;
    }
    return f;
  }

  function embedOne(text: string): number[] {
    const v = new Array<number>(dimensions).fill(0);
    for (const [h, [kind, count]] of features(text)) {
      // Sign from an independent bit of a re-mixed hash, so collisions cancel out on average instead of piling up.
      const sign = (Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 31) === 0 ? 1 : -1;
      // Sublinear: a word said ten times is not ten times the topic.
      v[h % dimensions]! += sign * KIND_WEIGHT[kind]! * (1 + Math.log(count));
    }
    return normalizeInPlace(v) as number[];
  }

  return {
    id,
    dimensions,
    maxInputChars: 100_000,
    async embed(texts) {
      assertTexts(texts);
      return texts.map(embedOne);
    },
  };
}
