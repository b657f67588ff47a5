// The Embedder port: text in, unit-length vectors out. Processors and search
// see only this interface; the local, ONNX and OpenAI-compatible
// implementations live beside it.
import { LeadwireError } from '../core/errors.js';

/**
 * What a text is for. Some models (the E5 family) are trained with a prefix
 * on each side of an asymmetric search; for the others both are the same.
 */
export type EmbedPurpose = 'query' | 'passage';

export interface Embedder {
  /** Identifies model and settings; a change means stored vectors are not comparable any more. */
  readonly id: string;
  /** Vector size, or undefined until a remote model has answered once. */
  readonly dimensions: number | undefined;
  /** Longest input (characters) the model takes; the chunker stays under it. */
  readonly maxInputChars: number;
  /** One unit vector per input, in input order. `purpose` defaults to `passage` (what is stored). */
  embed(texts: string[], purpose?: EmbedPurpose): Promise<number[][]>;
}

/** Every input must be a string: anything else is the caller's bug, reported as such, not a crash deep in a model. */
export function assertTexts(texts: unknown): asserts texts is string[] {
  if (!Array.isArray(texts)) throw new LeadwireError(`embed takes an array of strings, got ${typeof texts}`, { kind: 'validation', retriable: false });
  texts.forEach((t, i) => {
    if (typeof t !== 'string') throw new LeadwireError(`embed input ${i} is ${t === null ? 'null' : typeof t}, not a string`, { kind: 'validation', retriable: false });
  });
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
