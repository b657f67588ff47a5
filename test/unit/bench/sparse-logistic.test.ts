import { describe, expect, it } from 'vitest';
import { fitSparseLogistic, hashedNgrams, pickThreshold } from '../../../bench/lib/sparse-logistic.js';

describe('learned-layer experiment helpers', () => {
  it('fits a separable problem: the feature of the positives gets a positive weight', () => {
    const xs = Array.from({ length: 200 }, (_, i) => ({ x: [[i % 2 ? 3 : 5, 1]] as Array<[number, number]>, y: (i % 2 ? 1 : 0) as 0 | 1, w: 1 }));
    const fit = fitSparseLogistic(xs, { epochs: 20, l2: 1e-6, seed: 3 });
    expect(fit.predict([[3, 1]])).toBeGreaterThan(0.9);
    expect(fit.predict([[5, 1]])).toBeLessThan(0.1);
    expect(fit.weights[3]).toBeGreaterThan(0);
    // An index never seen in training adds nothing.
    expect(fit.predict([[999, 1]])).toBeCloseTo(fit.predict([]), 10);
  });

  it('gives the same fit for the same seed, and example weights count', () => {
    const xs = [{ x: [[1, 1]] as Array<[number, number]>, y: 1 as const, w: 1 }, { x: [[1, 1]] as Array<[number, number]>, y: 0 as const, w: 9 }];
    const a = fitSparseLogistic(xs, { epochs: 50, l2: 0, seed: 5 });
    const b = fitSparseLogistic(xs, { epochs: 50, l2: 0, seed: 5 });
    expect(a.predict([[1, 1]])).toBe(b.predict([[1, 1]]));
    // Nine times the weight on the negative: the probability goes well below one half.
    expect(a.predict([[1, 1]])).toBeLessThan(0.3);
  });

  it('hashes unigrams and bigrams, folding case and accents, each index once', () => {
    const a = hashedNgrams('Quiero cotización', 1 << 16);
    const b = hashedNgrams('quiero COTIZACION', 1 << 16);
    expect(a).toEqual(b);
    expect(a).toHaveLength(3);
    expect(hashedNgrams('buy buy buy', 1 << 16)).toHaveLength(2);
    expect(hashedNgrams('', 8)).toEqual([]);
    for (const [i] of hashedNgrams('a b c d e f g', 8)) expect(i).toBeLessThan(8);
  });

  it('picks the threshold with the best mean F1 over the groups, not over the pooled examples', () => {
    // Group 1 is best cut at 0.5, group 2 at 0.8; each group's F1 counts once, whatever its size.
    const g1 = [...Array.from({ length: 50 }, () => ({ p: 0.6, actual: true })), ...Array.from({ length: 50 }, () => ({ p: 0.4, actual: false }))];
    const g2 = [{ p: 0.9, actual: true }, { p: 0.7, actual: false }];
    const t = pickThreshold([g1, g2]);
    expect(t).toBeGreaterThan(0.4);
    expect(t).toBeLessThanOrEqual(0.6);
    expect(pickThreshold([g2])).toBeGreaterThan(0.7);
  });
});
