// The scoring-version workflow behind `leadwire scoring`: list versions, fit a
// new one from labels and run it in shadow, promote one to active. The CLI
// parses arguments and prints; the rules of the workflow live here.
import { configError } from '../core/errors.js';
import { loadCatalog } from '../processors/extract/catalog.js';
import { loadScoringModel, readPointer, type ScoringModel } from '../processors/score/scoring-model.js';
import { isPositive } from '../records/feedback-record.js';
import type { AnalyticsStore } from '../ports/analytics-store.js';
import { signalsFromLeadScore } from './lead-score-signals.js';
import { hashSplit, labelledSplit } from './dataset-split.js';
import { precisionOf, recalibrate, type LabelledExample, type PrecisionReport, type RecalibrationResult } from './recalibrate.js';
import { nextVersion, setPointer, writeScoringModel } from './scoring-files.js';

export interface ScoringVersionList {
  active: string;
  shadow: string | null;
  versions: Array<{ version: string; status: string; parent: string | null; metrics: unknown }>;
}

/** Versions in the analytics store, with the active and shadow pointers on disk. */
export async function listScoringVersions(analytics: AnalyticsStore): Promise<ScoringVersionList> {
  const rows = await analytics.scoringVersions();
  return { active: readPointer('active') ?? 'v1', shadow: readPointer('shadow'), versions: rows.map((r) => ({ version: r.version, status: r.status, parent: r.parent, metrics: r.metrics })) };
}

export interface RecalibrationRequest {
  /** The version the new one starts from (the active model). */
  base: ScoringModel;
  /** Fit on a labelled dataset of datasets/ instead of feedback. */
  dataset?: string;
  /** Catalog for the dataset's signals (config.extract.catalog). */
  catalog: string;
  version?: string;
  l2: number;
  minLabels: number;
  /** Share of labels held back to judge the fit, in [0, 1). */
  holdout: number;
}

export interface RecalibrationOutcome {
  version: string;
  file: string;
  parent: string;
  converged: boolean;
  metrics: { labels: number; train: RecalibrationResult['train']; holdout: { base: PrecisionReport; candidate: PrecisionReport } | null; split: string; source: string };
  /** Examples fitted on and held back. */
  trainCount: number;
  testCount: number;
}

/**
 * Fits a new scoring version from feedback labels (or a dataset), writes it to
 * scoring/, makes it the shadow version and records it in the analytics store.
 */
export async function recalibrateScoring(analytics: AnalyticsStore, req: RecalibrationRequest): Promise<RecalibrationOutcome> {
  const { base } = req;
  const share = req.holdout;
  if (!(share >= 0 && share < 1)) throw configError('--holdout is a share in [0, 1)');
  type Example = LabelledExample & { id: string };
  let split: { train: Example[]; test: Example[]; how: string };
  if (req.dataset) {
    split = labelledSplit(req.dataset, share, loadCatalog(req.catalog));
  } else {
    const labelled = (await analytics.labelledLeads()).map((l) => ({ id: l.conversationId, record: signalsFromLeadScore(l.latest), positive: isPositive(l.label) }));
    split = { ...hashSplit(labelled, (e) => e.id, share), how: `${Math.round(share * 100)} % held back by a hash of the conversation id` };
  }
  const { train, test } = split;
  const labels = train.length + test.length;
  const version = req.version ?? nextVersion();
  const r = recalibrate(base, train, { version, l2: req.l2, minLabels: req.minLabels });
  const holdout = test.length ? { base: precisionOf(base, test), candidate: precisionOf(r.model, test) } : null;
  const file = writeScoringModel(r.model);
  setPointer('shadow', version);
  const metrics = { labels, train: r.train, holdout, split: split.how, source: req.dataset ?? 'feedback' };
  await analytics.putScoringVersion({ version, status: 'shadow', parent: base.version, model: r.model, metrics });
  return { version, file, parent: base.version, converged: r.converged, metrics, trainCount: train.length, testCount: test.length };
}

/**
 * Makes `version` active: in the analytics store (recording the previous active
 * version and this one first when the store has not seen them) and in
 * scoring/ACTIVE; a promoted shadow version stops running in shadow.
 */
export async function promoteScoringVersion(analytics: AnalyticsStore, version: string, now = Date.now()): Promise<{ previous: string }> {
  const model = loadScoringModel(version);
  const rows = await analytics.scoringVersions();
  const previous = readPointer('active') ?? 'v1';
  if (!rows.some((r) => r.version === previous) && previous !== version) {
    await analytics.putScoringVersion({ version: previous, status: 'active', parent: null, model: loadScoringModel(previous) });
  }
  if (!rows.some((r) => r.version === version)) await analytics.putScoringVersion({ version, status: 'candidate', parent: previous, model });
  await analytics.promoteScoringVersion(version, now);
  setPointer('active', version);
  if (readPointer('shadow') === version) setPointer('shadow', null);
  return { previous };
}
