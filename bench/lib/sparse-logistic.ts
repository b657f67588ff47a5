// A small sparse logistic regression for the learned-layer experiment (bench/learned-layer.ts):
// plain SGD over hashed features. src/recalibrate/logistic-regression.ts is the production fit, but
// it builds a dense Hessian, which tens of thousands of hashed n-grams do not fit in.

/** Feature index → value; indices need not be sorted, repeats add up. */
export type SparseRow = Array<[number, number]>;

export interface SparseFit {
  weights: Float64Array;
  bias: number;
  predict(x: SparseRow): number;
}

export interface SparseOptions { epochs: number; l2: number; learningRate?: number; seed?: number }

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** A seeded shuffle, so a run gives the same fit twice. */
function shuffled<T>(xs: T[], seed: number): T[] {
  const a = [...xs];
  let s = seed >>> 0 || 1;
  for (let i = a.length - 1; i > 0; i--) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export function fitSparseLogistic(examples: Array<{ x: SparseRow; y: 0 | 1; w: number }>, opts: SparseOptions): SparseFit {
  const dim = 1 + examples.reduce((m, e) => e.x.reduce((mm, [i]) => Math.max(mm, i), m), 0);
  const weights = new Float64Array(dim);
  let bias = 0;
  // Weights are rescaled so the mean example weight is 1: the step size means the same whatever the scale.
  const meanW = examples.reduce((s, e) => s + e.w, 0) / Math.max(1, examples.length);
  const lr0 = opts.learningRate ?? 0.1;
  let step = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (const e of shuffled(examples, (opts.seed ?? 1) + epoch)) {
      const lr = lr0 / (1 + step++ * 1e-5);
      let z = bias;
      for (const [i, v] of e.x) z += weights[i]! * v;
      const g = (sigmoid(z) - e.y) * (e.w / meanW);
      bias -= lr * g;
      for (const [i, v] of e.x) weights[i] = weights[i]! - lr * (g * v + opts.l2 * weights[i]!);
    }
  }
  return {
    weights,
    bias,
    predict(x) {
      let z = bias;
      for (const [i, v] of x) if (i < dim) z += weights[i]! * v;
      return sigmoid(z);
    },
  };
}

/** FNV-1a of a string, for the hashing trick. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h >>> 0;
}

/** Word unigrams and bigrams (lower case, accents folded), hashed into `buckets` indices, each present once. */
export function hashedNgrams(text: string, buckets: number): SparseRow {
  const words = text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').match(/\p{L}+|\p{N}+/gu) ?? [];
  const grams = new Set<string>(words);
  for (let i = 1; i < words.length; i++) grams.add(`${words[i - 1]} ${words[i]}`);
  const idx = new Set([...grams].map((g) => fnv1a(g) % buckets));
  return [...idx].map((i): [number, number] => [i, 1]);
}

/** The threshold on p with the best mean F1 of the positive class over several groups (datasets). */
export function pickThreshold(groups: Array<Array<{ p: number; actual: boolean }>>, grid = Array.from({ length: 19 }, (_, i) => (i + 1) / 20)): number {
  let best = grid[0]!;
  let bestF1 = -1;
  for (const t of grid) {
    const mean = groups.reduce((s, g) => {
      let tp = 0; let fp = 0; let fn = 0;
      for (const e of g) { const p = e.p >= t; if (p && e.actual) tp++; else if (p) fp++; else if (e.actual) fn++; }
      return s + (tp ? (2 * tp) / (2 * tp + fp + fn) : 0);
    }, 0) / Math.max(1, groups.length);
    if (mean > bestF1) { bestF1 = mean; best = t; }
  }
  return best;
}
