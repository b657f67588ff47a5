// Accent- and case-insensitive matching without losing the way back to the
// original text: evidence must quote the exact substring the customer wrote,
// so every folded character remembers the original offset it came from.

export interface FoldedText {
  /** Lower-cased text with combining marks removed (á → a, ñ → n). */
  folded: string;
  /** folded[i] came from original[starts[i]]; starts[folded.length] = original.length. */
  starts: number[];
  /** End offset (exclusive) in the original of the character folded[i] came from. */
  ends: number[];
}

const MARKS = /\p{M}/gu;

export function foldChar(ch: string): string {
  return ch.normalize('NFD').replace(MARKS, '').toLowerCase();
}

/** Folds a plain string (no offsets), e.g. a lexicon word or a regex source. */
export function foldString(s: string): string {
  return s.normalize('NFD').replace(MARKS, '').toLowerCase();
}

export function foldText(original: string): FoldedText {
  let folded = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  for (const ch of original) {
    const f = foldChar(ch);
    for (let k = 0; k < f.length; k++) { starts.push(i); ends.push(i + ch.length); }
    folded += f;
    i += ch.length;
  }
  starts.push(original.length);
  ends.push(original.length);
  return { folded, starts, ends };
}

/** Maps a [start, end) span of the folded text back to the original. */
export function originalSpan(ft: FoldedText, start: number, end: number): [number, number] {
  if (end <= start) return [ft.starts[start]!, ft.starts[start]!];
  return [ft.starts[start]!, ft.ends[end - 1]!];
}
