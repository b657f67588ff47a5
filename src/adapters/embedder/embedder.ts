// The Embedder port: text in, unit-length vectors out. Processors and search
// see only this interface; the local and OpenAI-compatible implementations
// live beside it.

export interface Embedder {
  /** Identifies model and settings; a change means stored vectors are not comparable any more. */
  readonly id: string;
  /** Vector size, or undefined until a remote model has answered once. */
  readonly dimensions: number | undefined;
  /** Longest input (characters) the model takes; the chunker stays under it. */
  readonly maxInputChars: number;
  /** One unit vector per input, in input order. */
  embed(texts: string[]): Promise<number[][]>;
}

/** Scales a vector to unit length in place; a zero vector stays zero. */
export function normalizeInPlace(v: number[] | Float32Array): typeof v {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  if (sum === 0) return v;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * inv;
  return v;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
