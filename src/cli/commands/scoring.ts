// `leadwire scoring list | recalibrate | shadow-report | promote VERSION`:
// scoring versions, their fit from labels, the shadow comparison and promotion.
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/load.js';
import { analyticsDatabaseUrl } from '../../config/schema.js';
import { createAnalyticsStore } from '../../adapters/analytics/create-analytics-store.js';
import { DATASET_NAMES } from '../../eval/datasets.js';
import { loadScoringModel } from '../../processors/score/scoring-model.js';
import { shadowReport } from '../../recalibrate/shadow-report.js';
import { listScoringVersions, promoteScoringVersion, recalibrateScoring } from '../../recalibrate/workflow.js';

const print = (json: boolean | undefined, obj: unknown, text: string) => process.stdout.write(`${json ? JSON.stringify(obj, null, 2) : text}\n`);

function analyticsFromConfig() {
  const config = loadConfig();
  if (!analyticsDatabaseUrl(config.database)) process.stderr.write('leadwire: neither DATABASE_URL nor ANALYTICS_DATABASE_URL is set: using an empty in-process analytics store\n');
  return { config, analytics: createAnalyticsStore(config.database) };
}

export function scoringCommand(): Command {
  const cmd = new Command('scoring').description('scoring versions: recalibrate from labels, compare in shadow, promote');

  cmd.command('list').description('scoring versions on disk and in the analytics store, with the active and shadow pointers')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { analytics } = analyticsFromConfig();
      try {
        const out = await listScoringVersions(analytics);
        print(opts.json, out, [`active ${out.active}${out.shadow ? `  shadow ${out.shadow}` : ''}`, ...out.versions.map((v) => `${v.version.padEnd(8)} ${v.status.padEnd(9)} parent ${v.parent ?? '-'}  ${JSON.stringify(v.metrics)}`)].join('\n'));
      } finally { await analytics.close(); }
    });

  cmd.command('recalibrate').description('fit a new scoring version from feedback labels (or a dataset) and run it in shadow')
    .addOption(new Option('--dataset <name>', 'fit on a labelled dataset from datasets/ instead of feedback (label high = good); its own train split where it has one').choices([...DATASET_NAMES]))
    .option('--version <v>', 'name of the new version (default: the next vN)')
    .option('--l2 <n>', 'L2 penalty toward the current weights (default: RECALIBRATE_L2)')
    .option('--min-labels <n>', 'labels needed (default: RECALIBRATE_MIN_LABELS)')
    .option('--holdout <share>', 'share of labels held back to judge the fit (a dataset with a train split of its own is judged on its test split)', '0.3')
    .option('--json', 'print JSON')
    .action(async (opts: { dataset?: string; version?: string; l2?: string; minLabels?: string; holdout: string; json?: boolean }) => {
      const { config, analytics } = analyticsFromConfig();
      try {
        const r = await recalibrateScoring(analytics, {
          base: loadScoringModel(config.score.model),
          ...(opts.dataset ? { dataset: opts.dataset } : {}),
          ...(opts.version ? { version: opts.version } : {}),
          catalog: config.extract.catalog,
          l2: opts.l2 !== undefined ? Number(opts.l2) : config.feedback.l2,
          minLabels: opts.minLabels !== undefined ? Number(opts.minLabels) : config.feedback.minLabels,
          holdout: Number(opts.holdout),
        });
        const { version, file, parent, metrics } = r;
        const holdout = metrics.holdout;
        const fmt = (p: { precision: number; recall: number; f1: number }) => `precision ${p.precision.toFixed(3)} recall ${p.recall.toFixed(3)} F1 ${p.f1.toFixed(3)}`;
        print(opts.json, { version, file, parent, converged: r.converged, metrics }, [
          `wrote ${file} (from ${parent}, ${metrics.labels} labels: ${r.trainCount} to fit, ${r.testCount} held back; ${metrics.split})`,
          `train    ${parent}: ${fmt(metrics.train.base)}   ${version}: ${fmt(metrics.train.candidate)}`,
          holdout ? `held back ${parent}: ${fmt(holdout.base)}   ${version}: ${fmt(holdout.candidate)}` : 'no labels held back',
          `${version} now runs in shadow (scoring/SHADOW): restart score workers, then \`leadwire scoring shadow-report\`; promote with \`leadwire scoring promote ${version}\``,
        ].join('\n'));
      } finally { await analytics.close(); }
    });

  cmd.command('shadow-report').description('agreement of the shadow version with the active one, and precision of both against people\'s labels')
    .option('--shadow <version>', 'shadow version (default: scoring/SHADOW)')
    .option('--json', 'print JSON')
    .action(async (opts: { shadow?: string; json?: boolean }) => {
      const { config, analytics } = analyticsFromConfig();
      try {
        const active = loadScoringModel(config.score.model);
        const shadow = loadScoringModel(opts.shadow ?? 'shadow');
        const r = await shadowReport(analytics, active, shadow);
        const p = (x: { precision: number; recall: number; qualified: number }) => `precision ${x.precision.toFixed(3)} recall ${x.recall.toFixed(3)} (qualified ${x.qualified})`;
        print(opts.json, r, [
          `active ${r.active}  shadow ${r.shadow}`,
          `live: ${r.live.scored} scores carry the shadow; tier agreement ${r.live.agreement === null ? '-' : (r.live.agreement * 100).toFixed(1) + '%'}  ${JSON.stringify(r.live.matrix)}`,
          `labelled (${r.labelled.count}): ${r.active} ${p(r.labelled.active)}   ${r.shadow} ${p(r.labelled.shadow)}`,
        ].join('\n'));
      } finally { await analytics.close(); }
    });

  cmd.command('promote').argument('<version>', 'scoring version to make active').description('make a scoring version active (scoring/ACTIVE and the analytics store)')
    .action(async (version: string) => {
      const { analytics } = analyticsFromConfig();
      try {
        const { previous } = await promoteScoringVersion(analytics, version);
        process.stdout.write(`${version} is active (was ${previous}). Restart score workers, then \`leadwire rescore --stale-only\` re-scores what ${previous} scored.\n`);
      } finally { await analytics.close(); }
    });

  return cmd;
}
