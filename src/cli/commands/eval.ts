// `leadwire eval`: scores labelled conversations through the production rules
// path and prints precision/recall/F1 of the high-intent class.
import { Command, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { DATASET_NAMES, loadDataset } from '../../eval/datasets.js';
import { runEval, type EvalReport } from '../../eval/run-eval.js';
import { formatSuite, runSuite } from '../../eval/run-suite.js';

export function formatReport(r: EvalReport): string {
  const lines = [
    `source ${r.source}  catalog ${r.catalog}  conversations ${r.count} (high ${r.labels.high}, medium ${r.labels.medium}, low ${r.labels.low})`,
    `high intent (tier qualified vs the rest): precision ${r.high.precision.toFixed(3)}  recall ${r.high.recall.toFixed(3)}  F1 ${r.high.f1.toFixed(3)}  (tp ${r.high.tp}, fp ${r.high.fp}, fn ${r.high.fn}, tn ${r.high.tn})`,
  ];
  if (r.confusion) {
    lines.push('confusion (rows actual, columns predicted):', '          high  medium     low');
    for (const a of ['high', 'medium', 'low'] as const) {
      const row = r.confusion[a];
      lines.push(`${a.padEnd(8)}${String(row.high).padStart(6)}${String(row.medium).padStart(8)}${String(row.low).padStart(8)}`);
    }
  }
  return lines.join('\n');
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('score labelled conversations with the rules (same path as production) and report high-intent precision, recall and F1')
    .option('--suite', 'every dataset shipped in datasets/, with the ten-keyword baseline beside it, in one table')
    .option('--input <file>', 'JSONL: {conversation_id, label: high|medium|low, messages: [{role, body, created_at}]} per line')
    .addOption(new Option('--dataset <name>', 'a dataset from datasets/ (LEADWIRE_DATASETS overrides the folder)').choices([...DATASET_NAMES]))
    .addOption(new Option('--split <split>', 'hint3-sofmattress split').choices(['test', 'train']).default('test'))
    .option('--catalog <name|path>', 'signal catalog', 'default')
    .option('--convert <file>', 'with --dataset: write the dataset in the eval JSONL format to this file instead of scoring')
    .option('--details', 'include every prediction (with --json)')
    .option('--json', 'print the report as JSON')
    .option('--scoring <version|path>', 'scoring model', 'active')
    .action((opts: { suite?: boolean; input?: string; dataset?: string; split: 'test' | 'train'; catalog: string; scoring: string; convert?: string; details?: boolean; json?: boolean }) => {
      try {
        if (opts.suite) {
          if (opts.input || opts.dataset) throw new Error('--suite runs every shipped dataset: leave out --input and --dataset');
          const suite = runSuite({ catalog: opts.catalog, scoring: opts.scoring });
          process.stdout.write(opts.json ? `${JSON.stringify(suite)}\n` : `${formatSuite(suite)}\n`);
          return;
        }
        if (opts.convert) {
          if (!opts.dataset) throw new Error('--convert needs --dataset');
          const rows = loadDataset(opts.dataset, { split: opts.split });
          writeFileSync(opts.convert, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
          process.stderr.write(`wrote ${rows.length} conversations to ${opts.convert}\n`);
          return;
        }
        const report = runEval({
          ...(opts.input ? { input: opts.input } : {}),
          ...(opts.dataset ? { dataset: opts.dataset } : {}),
          split: opts.split,
          catalog: opts.catalog,
          scoring: opts.scoring,
          details: !!opts.details,
        });
        process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
      } catch (err) {
        process.stderr.write(`eval: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
