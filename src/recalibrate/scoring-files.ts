// Scoring versions on disk: scoring/scoring.<version>.yaml (immutable once
// written) and the ACTIVE / SHADOW pointer files the score stage resolves
// `active` and `shadow` through.
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { configError } from '../core/errors.js';
import { DEFAULT_SCORING_DIR, loadScoringModel, scoringModelPath, type ScoringModel } from '../processors/score/scoring-model.js';

/** The next free `vN` in the folder. */
export function nextVersion(dir = DEFAULT_SCORING_DIR): string {
  const ns = readdirSync(dir).map((f) => /^scoring\.v(\d+)\.yaml$/.exec(f)?.[1]).filter(Boolean).map(Number);
  return `v${Math.max(0, ...ns) + 1}`;
}

export function writeScoringModel(model: ScoringModel, dir = DEFAULT_SCORING_DIR): string {
  const file = scoringModelPath(model.version, dir);
  if (existsSync(file)) throw configError(`Scoring version ${model.version} already exists (${file}); versions are immutable, pick a new one`);
  const header = `# Scoring model ${model.version}, written by \`leadwire scoring recalibrate\`. Do not edit: write a new version.\n`;
  writeFileSync(file, header + stringify(model));
  // Round-trip: what was written must load as the same model.
  loadScoringModel(model.version, dir);
  return file;
}

export function setPointer(which: 'active' | 'shadow', version: string | null, dir = DEFAULT_SCORING_DIR): void {
  const f = join(dir, which.toUpperCase());
  if (version === null) { rmSync(f, { force: true }); return; }
  loadScoringModel(version, dir);
  writeFileSync(f, `${version}\n`);
}
