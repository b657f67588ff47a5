// Re-exports of the signals contract the score stage depends on, in one place.
export type { Evidence, Signal, SignalsRecord } from '../extract/signals-record.js';
export type { SignalCategory, Tier } from '../extract/catalog.js';
