// The words a signals record is made of: signal categories and strengths, and
// the sentiment labels. The catalog validates YAML against these; records and
// the score stage type their fields with them.

/**
 * fit, intent and negative signals score; `act` signals never score and never
 * go out on a record: they are what a message does (the agent offers to book,
 * the customer says yes, a clause is hypothetical) and give other signals
 * their context through `answers`, `hedges` and `unless`.
 */
export const SIGNAL_CATEGORIES = ['fit', 'intent', 'negative', 'act'] as const;
export type SignalCategory = (typeof SIGNAL_CATEGORIES)[number];
/** The categories a signals record carries (acts never leave the extractor). */
export type RecordCategory = Exclude<SignalCategory, 'act'>;
export const SIGNAL_STRENGTHS = ['strong', 'weak'] as const;
export type SignalStrength = (typeof SIGNAL_STRENGTHS)[number];

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

/** What a score contribution counts towards (the record's `components`). */
export type ContributionKind = 'fit' | 'intent' | 'negative' | 'implicit';
