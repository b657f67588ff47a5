// The versioned scoring model: a YAML file in scoring/ validated with zod.
// Versions are immutable once published: a change of weights is a new file
// (recalibration writes scoring.vN.yaml), so an event's scoring version always
// says exactly which numbers produced it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configError } from '../../core/errors.js';

export const DEFAULT_SCORING_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../scoring');

const nonNeg = z.number().min(0);

export const scoringModelSchema = z.object({
  version: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a version is letters, digits, . _ -'),
  description: z.string().optional(),
  /** Weight per signal id; signals not listed weigh what their record (the catalog) says. */
  weights: z.record(z.string(), z.number()).default({}),
  /** Raw points every conversation starts with (fitted models carry their intercept here). */
  bias: z.number().default(0),
  /** When true, signals missing from `weights` weigh 0 instead of the catalog weight (fitted models). */
  weightsComplete: z.boolean().default(false),
  fullConfidenceAt: z.number().gt(0).max(1).default(0.75),
  implicit: z.object({
    sharedContact: z.number().default(0),
    customerMessages: z.number().default(0),
    customerMessagesCap: z.number().int().min(1).default(10),
    sentiment: z.number().default(0),
  }).strict().default({ sharedContact: 0, customerMessages: 0, customerMessagesCap: 10, sentiment: 0 }),
  intentDecay: z.object({ graceMs: nonNeg.default(3_600_000), halfLifeMs: z.number().positive() }).strict(),
  transform: z.object({ midpoint: z.number(), spread: z.number().positive() }).strict(),
  thresholds: z.object({ qualified: z.number().min(0).max(100), nurturing: z.number().min(0).max(100) }).strict(),
  hysteresis: z.object({ qualified: nonNeg, nurturing: nonNeg }).strict().default({ qualified: 0, nurturing: 0 }),
  calibration: z.object({ a: z.number(), b: z.number() }).strict(),
  llm: z.object({ minConfidence: z.number().min(0).max(1).default(0.7), maxSteps: z.number().int().min(0).max(2).default(1) }).strict()
    .default({ minConfidence: 0.7, maxSteps: 1 }),
  material: z.object({ scoreDelta: nonNeg.default(5) }).strict().default({ scoreDelta: 5 }),
  reasons: z.object({ positive: z.number().int().min(0).default(3), negative: z.number().int().min(0).default(3) }).strict()
    .default({ positive: 3, negative: 3 }),
  /**
   * Signal id → highest tier allowed while it is the customer's latest word: a
   * "no me interesa" written after the last buying signal outweighs any sum.
   */
  caps: z.record(z.string(), z.enum(['nurturing', 'unqualified'])).default({}),
  /**
   * The tier policy. qualifiedNeedsStrong: qualified needs at least one strong
   * intent signal (acquisition; a quote, demo, call, meeting or visit asked for
   * or accepted; purchase terms) that no later withdrawal (a `caps` signal)
   * took back; weak signals alone stop at nurturing whatever their sum.
   */
  policy: z.object({
    qualifiedNeedsStrong: z.boolean().default(false),
    /**
     * Cap signals that decline one offer of the agent, and the commitments they
     * cannot take back: a "no" to an offer withdraws what the customer asked
     * for, not a purchase they had already accepted before it.
     */
    declines: z.array(z.string()).default([]),
    commitments: z.array(z.string()).default([]),
  }).strict().default({ qualifiedNeedsStrong: false, declines: [], commitments: [] }),
  /** Segment name → signal ids; a conversation is in the first segment one of whose signals fired. */
  segments: z.record(z.string(), z.array(z.string())).default({}),
}).strict().superRefine((m, ctx) => {
  if (m.thresholds.qualified < m.thresholds.nurturing) {
    ctx.addIssue({ code: 'custom', path: ['thresholds', 'qualified'], message: `thresholds.qualified (${m.thresholds.qualified}) is below thresholds.nurturing (${m.thresholds.nurturing})` });
  }
  if (m.thresholds.nurturing - m.hysteresis.nurturing < 0 || m.thresholds.qualified - m.hysteresis.qualified < m.thresholds.nurturing) {
    ctx.addIssue({ code: 'custom', path: ['hysteresis'], message: 'a hysteresis margin reaches past the tier below: lower the margin' });
  }
});

export type ScoringModel = z.infer<typeof scoringModelSchema>;

export function validateScoringModel(doc: unknown, where = 'scoring model'): ScoringModel {
  const r = scoringModelSchema.safeParse(doc);
  if (!r.success) {
    throw configError(`Invalid scoring model ${where}: ${r.error.issues.map((i) => `${i.path.join('.') || 'root'}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}

/** Resolves `v1`, `scoring.v1`, `active` / `shadow` (pointer files written by `leadwire scoring promote`) or a path. */
export function scoringModelPath(nameOrPath: string, dir = DEFAULT_SCORING_DIR): string {
  if (isAbsolute(nameOrPath) || nameOrPath.includes('/') || /\.ya?ml$/.test(nameOrPath)) return resolve(nameOrPath);
  if (nameOrPath === 'active' || nameOrPath === 'shadow') {
    const pointer = join(dir, nameOrPath.toUpperCase());
    const target = existsSync(pointer) ? readFileSync(pointer, 'utf8').trim() : nameOrPath === 'active' ? 'v1' : '';
    if (!target) throw configError(`No shadow scoring version: ${pointer} does not exist (write one with \`leadwire scoring recalibrate\`)`);
    return scoringModelPath(target, dir);
  }
  const base = nameOrPath.startsWith('scoring.') ? nameOrPath : `scoring.${nameOrPath}`;
  return join(dir, `${base}.yaml`);
}

export function loadScoringModel(nameOrPath = 'active', dir = DEFAULT_SCORING_DIR): ScoringModel {
  const file = scoringModelPath(nameOrPath, dir);
  if (!existsSync(file)) throw configError(`Scoring model '${nameOrPath}' not found (looked for ${file})`);
  let doc: unknown;
  try { doc = parseYaml(readFileSync(file, 'utf8')); } catch (err) {
    throw configError(`Scoring model ${file} is not valid YAML: ${(err as Error).message}`);
  }
  return validateScoringModel(doc, file);
}

/** Reads the pointer file of `active` or `shadow`: the version it names, or null. */
export function readPointer(which: 'active' | 'shadow', dir = DEFAULT_SCORING_DIR): string | null {
  const f = join(dir, which.toUpperCase());
  return existsSync(f) ? readFileSync(f, 'utf8').trim() || null : null;
}
