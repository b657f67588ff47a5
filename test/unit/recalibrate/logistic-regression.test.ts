import { describe, expect, it } from 'vitest';
import { fitLogistic, predictLogistic, sigmoid, solveSpd } from '../../../src/recalibrate/logistic-regression.js';

/** A small deterministic PRNG so the synthetic data is the same every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

function synthetic(n: number, w: number[], b: number, seed = 1) {
  const r = rng(seed);
  const X: number[][] = [];
  const y: Array<0 | 1> = [];
  for (let i = 0; i < n; i++) {
    const x: number[] = w.map(() => (r() < 0.4 ? 1 : 0));
    const p = sigmoid(b + x.reduce((s, v, j) => s + v * w[j]!, 0));
    X.push(x);
    y.push(r() < p ? 1 : 0);
  }
  return { X, y };
}

describe('logistic regression', () => {
  it('solves a symmetric positive definite system', () => {
    const A = [[4, 2, 0.6], [2, 5, 1], [0.6, 1, 3]];
    const x = solveSpd(A, [1, 2, 3]);
    const back = A.map((row) => row.reduce((s, v, j) => s + v * x[j]!, 0));
    back.forEach((v, i) => expect(v).toBeCloseTo([1, 2, 3][i]!, 10));
    expect(() => solveSpd([[1, 2], [2, 1]], [1, 1])).toThrow(/positive definite/);
  });

  it('recovers the weights that generated the data (weak penalty, many rows)', () => {
    const w = [2, -1.5, 0.5, 0];
    const { X, y } = synthetic(20_000, w, -0.5);
    const fit = fitLogistic(X, y, { l2: 0.01 });
    expect(fit.converged).toBe(true);
    fit.weights.forEach((v, j) => expect(Math.abs(v - w[j]!), `w${j}`).toBeLessThan(0.15));
    expect(Math.abs(fit.bias + 0.5)).toBeLessThan(0.15);
    expect(predictLogistic(fit, [1, 0, 0, 0])).toBeGreaterThan(predictLogistic(fit, [0, 1, 0, 0]));
  });

  it('a strong penalty holds the weights at the prior; few rows move them little', () => {
    const { X, y } = synthetic(60, [3, -3], 0, 7);
    const prior = [0.5, 0.5];
    const strong = fitLogistic(X, y, { l2: 1e6, prior });
    strong.weights.forEach((v, j) => expect(v).toBeCloseTo(prior[j]!, 3));
    const weak = fitLogistic(X, y, { l2: 0.1, prior });
    expect(weak.weights[0]!).toBeGreaterThan(1);
    expect(weak.weights[1]!).toBeLessThan(-1);
    const mid = fitLogistic(X, y, { l2: 10, prior });
    expect(mid.weights[0]!).toBeGreaterThan(prior[0]!);
    expect(mid.weights[0]!).toBeLessThan(weak.weights[0]!);
  });

  it('stays finite on separable data thanks to the penalty', () => {
    const X = [[1], [1], [0], [0]];
    const fit = fitLogistic(X, [1, 1, 0, 0], { l2: 1 });
    expect(Number.isFinite(fit.weights[0]!)).toBe(true);
    expect(fit.weights[0]!).toBeGreaterThan(0.5);
    expect(predictLogistic(fit, [1])).toBeGreaterThan(0.5);
    expect(predictLogistic(fit, [0])).toBeLessThan(0.5);
  });
});
