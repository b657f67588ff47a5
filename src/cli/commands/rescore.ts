// `leadwire rescore [--stale-only]`: puts the latest signals of leads back on
// the signals topic, newest first, so the score stage re-scores them with the
// active scoring version; LLM re-extractions are capped by a cost ceiling.
import { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { createAnalyticsStore } from '../../adapters/analytics/create-analytics-store.js';
import { createKafka } from '../../adapters/kafka/kafka-factory.js';
import { createEventTimeProducer } from '../../adapters/kafka/event-time-producer.js';
import { moduleLogger } from '../../core/logger.js';
import { loadScoringModel } from '../../processors/score/scoring-model.js';
import { candidates, planRescore, rescoreRecords } from '../../recalibrate/rescore.js';

export function rescoreCommand(): Command {
  return new Command('rescore')
    .description('re-score leads with the active scoring version (newest first, within the LLM cost ceiling)')
    .option('--stale-only', 'only leads whose scoring or prompt version differs from the current one')
    .option('--limit <n>', 'most leads to consider', '10000')
    .option('--max-llm-calls <n>', 'cost ceiling: LLM re-extractions this run may cause (default: RESCORE_MAX_LLM_CALLS)')
    .option('--dry-run', 'print the plan, publish nothing')
    .option('--json', 'print JSON')
    .action(async (opts: { staleOnly?: boolean; limit: string; maxLlmCalls?: string; dryRun?: boolean; json?: boolean }) => {
      const config = loadConfig();
      const analytics = createAnalyticsStore(config.database);
      try {
        const model = loadScoringModel(config.score.model);
        const o = {
          scoringVersion: model.version,
          promptVersion: config.llm.model ? config.llm.promptVersion : null,
          staleOnly: !!opts.staleOnly,
          maxLlmCalls: opts.maxLlmCalls !== undefined ? Number(opts.maxLlmCalls) : config.feedback.rescoreMaxLlmCalls,
          limit: Number(opts.limit),
        };
        const plan = planRescore(await candidates(analytics, o), o);
        const records = opts.dryRun ? [] : await rescoreRecords(analytics, plan);
        if (records.length) {
          const producer = createEventTimeProducer(createKafka(config.kafka, moduleLogger('rescore')), { idempotent: true });
          await producer.connect();
          try {
            for (let i = 0; i < records.length; i += 500) {
              await producer.send(config.topics.signals, records.slice(i, i + 500).map((r) => ({ key: r.key, value: JSON.stringify(r.value), eventTime: r.timestamp })));
            }
          } finally { await producer.disconnect(); }
        }
        const summary = { scoringVersion: o.scoringVersion, promptVersion: o.promptVersion, considered: plan.items.length + plan.deferred.length, published: records.length, llmCalls: plan.llmCalls, deferred: plan.deferred.length, dryRun: !!opts.dryRun };
        process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n`
          : `rescore with ${o.scoringVersion}: ${summary.considered} leads considered, ${summary.published} published to ${config.topics.signals}, ${summary.llmCalls} need the LLM, ${summary.deferred} deferred past the ceiling of ${o.maxLlmCalls}${opts.dryRun ? ' (dry run)' : ''}\n`);
      } finally { await analytics.close(); }
    });
}
