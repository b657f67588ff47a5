// L2-regularised logistic regression fitted by Newton's method (IRLS). The
// penalty pulls each weight toward a prior (the current model's weight) rather
// than toward zero: with few labels a signal keeps what people configured, and
// only the evidence moves it. The intercept is not penalised.
//
// minimise  Σ log(1 + e^{−y'·(b + w·x)})  +  (λ/2)·Σ (w_j − prior_j)²      (y' = ±1)

export interface LogisticFit {
  weights: number[];
  bias: number;
  iterations: number;
  converged: boolean;
}

export interface LogisticOptions {
  /** λ: strength of the pull toward the prior. */
  l2: number;
  prior?: number[];
  priorBias?: number;
  /** Per-example weights (e.g. to balance classes); default 1. */
  sampleWeights?: number[];
  maxIterations?: number;
  tolerance?: number;
}

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Solves A·x = b for a symmetric positive definite A (Cholesky); A is n×n. */
export function solveSpd(A: number[][], b: number[]): number[] {
  const n = b.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (s <= 0) throw new Error('matrix is not positive definite');
        L[i]![i] = Math.sqrt(s);
      } else {
        L[i]![j] = s / L[j]![j]!;
      }
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i]![k]! * y[k]!;
    y[i] = s / L[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k]![i]! * x[k]!;
    x[i] = s / L[i]![i]!;
  }
  return x;
}

export function fitLogistic(X: number[][], y: Array<0 | 1>, opts: LogisticOptions): LogisticFit {
  const m = X.length;
  if (m === 0 || m !== y.length) throw new Error(`fitLogistic: ${m} rows and ${y.length} labels`);
  const d = X[0]!.length;
  const prior = opts.prior ?? new Array<number>(d).fill(0);
  const sw = opts.sampleWeights ?? new Array<number>(m).fill(1);
  // Parameters: [bias, w_1..w_d]; start at the prior.
  let theta = [opts.priorBias ?? 0, ...prior];
  const maxIt = opts.maxIterations ?? 50;
  const tol = opts.tolerance ?? 1e-8;
  // A tiny ridge on the intercept keeps the Hessian invertible when a class is absent.
  const biasRidge = 1e-6;
  for (let it = 1; it <= maxIt; it++) {
    const g = new Array<number>(d + 1).fill(0);
    const H = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < m; i++) {
      const xi = X[i]!;
      let z = theta[0]!;
      for (let j = 0; j < d; j++) z += theta[j + 1]! * xi[j]!;
      const p = sigmoid(z);
      const r = sw[i]! * (p - y[i]!);
      const w = sw[i]! * p * (1 - p);
      g[0]! += r;
      H[0]![0]! += w;
      for (let j = 0; j < d; j++) {
        const xj = xi[j]!;
        if (xj === 0) continue;
        g[j + 1]! += r * xj;
        H[0]![j + 1]! += w * xj;
        H[j + 1]![0]! += w * xj;
        for (let k = 0; k < d; k++) if (xi[k] !== 0) H[j + 1]![k + 1]! += w * xj * xi[k]!;
      }
    }
    g[0]! += biasRidge * (theta[0]! - (opts.priorBias ?? 0));
    H[0]![0]! += biasRidge;
    for (let j = 0; j < d; j++) {
      g[j + 1]! += opts.l2 * (theta[j + 1]! - prior[j]!);
      H[j + 1]![j + 1]! += opts.l2 + 1e-9;
    }
    const step = solveSpd(H, g);
    theta = theta.map((t, j) => t - step[j]!);
    const size = Math.sqrt(step.reduce((s, v) => s + v * v, 0));
    if (size < tol) return { bias: theta[0]!, weights: theta.slice(1), iterations: it, converged: true };
  }
  return { bias: theta[0]!, weights: theta.slice(1), iterations: maxIt, converged: false };
}

export function predictLogistic(fit: Pick<LogisticFit, 'weights' | 'bias'>, x: number[]): number {
  let z = fit.bias;
  for (let j = 0; j < x.length; j++) z += fit.weights[j]! * x[j]!;
  return sigmoid(z);
}
