// Re-exports of the signals contract the score stage depends on, in one place.
export type { Evidence, Signal, SignalsRecord } from '../extract/signals-record.js';
export type { RecordCategory as SignalCategory, SignalStrength, Tier } from '../extract/catalog.js';
