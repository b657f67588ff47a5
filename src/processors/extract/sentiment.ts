// Sentiment per message and per conversation. English uses the `sentiment`
// package (AFINN-165 with negation); Spanish is registered on the same engine
// with a curated lexicon (spanish-lexicon.ts). Scores map to [-1, 1] with tanh
// so one strong word in a short chat line counts as much as in a long one.
import Sentiment from 'sentiment';
import type { SentimentLabel } from '../../records/signal-vocabulary.js';
import { foldString } from './fold-text.js';
import { EMOJI_VALENCE, SPANISH_LEXICON, SPANISH_NEGATORS } from './spanish-lexicon.js';

const engine = new Sentiment();
engine.registerLanguage('es', {
  labels: SPANISH_LEXICON,
  scoringStrategy: {
    apply(tokens: string[], cursor: number, tokenScore: number) {
      const prev = cursor > 0 ? tokens[cursor - 1] : undefined;
      const prev2 = cursor > 1 ? tokens[cursor - 2] : undefined;
      // "no es bueno" puts a verb between the negator and the word.
      if ((prev && SPANISH_NEGATORS.has(prev)) || (prev2 && SPANISH_NEGATORS.has(prev2) && (prev === 'es' || prev === 'esta' || prev === 'fue' || prev === 'me' || prev === 'muy'))) return -tokenScore;
      return tokenScore;
    },
  },
});

export type { SentimentLabel };

export interface SentimentScore {
  /** −1 (very negative) … 1 (very positive). */
  score: number;
  label: SentimentLabel;
}

const NEUTRAL_BAND = 0.15;

export function labelFor(score: number): SentimentLabel {
  if (score > NEUTRAL_BAND) return 'positive';
  if (score < -NEUTRAL_BAND) return 'negative';
  return 'neutral';
}

function emojiScore(text: string): number {
  let s = 0;
  for (const ch of text) s += EMOJI_VALENCE[ch] ?? 0;
  return s;
}

function rawScore(text: string, lang: 'es' | 'en'): { score: number; words: number } {
  const input = lang === 'es' ? foldString(text) : text.toLowerCase();
  const r = engine.analyze(input, { language: lang });
  return { score: r.score, words: r.words.length };
}

/** Sentiment of one message; `lang` picks the lexicon, and an unknown language tries both and keeps the one that recognised more words. */
export function messageSentiment(text: string, lang?: string): SentimentScore {
  let raw: number;
  if (lang === 'es' || lang === 'en') raw = rawScore(text, lang).score;
  else {
    const es = rawScore(text, 'es');
    const en = rawScore(text, 'en');
    raw = es.words >= en.words ? es.score : en.score;
  }
  const score = Math.tanh((raw + emojiScore(text)) / 4);
  return { score: round(score), label: labelFor(score) };
}

/** Mean of the messages' scores, later messages weighing more (the mood a conversation ends in matters most). */
export function conversationSentiment(scores: number[]): SentimentScore {
  if (scores.length === 0) return { score: 0, label: 'neutral' };
  let num = 0;
  let den = 0;
  scores.forEach((s, i) => { const w = i + 1; num += s * w; den += w; });
  const score = num / den;
  return { score: round(score), label: labelFor(score) };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
