// The three lead tiers: the one list every record, store, API and schema uses.

/** Display order, best first (API enums, the board's columns). */
export const TIERS = ['qualified', 'nurturing', 'unqualified'] as const;
export type Tier = (typeof TIERS)[number];

/** Ascending order, worst first: a tier "rises" when its index grows. */
export const TIER_ORDER: readonly Tier[] = ['unqualified', 'nurturing', 'qualified'];
