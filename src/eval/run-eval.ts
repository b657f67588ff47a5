// Scores labelled conversations through the production path:
// messages → ConversationSnapshot → extractRules → tier.
import { readFileSync } from 'node:fs';
import { configError } from '../core/errors.js';
import { loadCatalog, type SignalCatalog } from '../processors/extract/catalog.js';
import type { Tier } from '../records/tier.js';
import { loadScoringModel, type ScoringModel } from '../processors/score/scoring-model.js';
import { scoreSignals } from '../processors/score/score-signals.js';
import { signalsFromLabelled } from './labelled-signals.js';
import { loadDataset, type DatasetOptions } from './datasets.js';
import { parseEvalJsonl, type EvalLabel, type LabelledConversation } from './labelled-conversation.js';
import { binaryScores, confusionMatrix, type BinaryScores, type Confusion } from './metrics.js';

export const TIER_LABEL: Record<Tier, EvalLabel> = { qualified: 'high', nurturing: 'medium', unqualified: 'low' };

export interface EvalOptions {
  /** A JSONL file in the eval format. */
  input?: string;
  /** A dataset name from shared/datasets (converted on the fly). */
  dataset?: string;
  split?: DatasetOptions['split'];
  datasetsDir?: string;
  /** Catalog name or path (default: `default`). */
  catalog?: string | SignalCatalog;
  /** Include every prediction in the report. */
  details?: boolean;
  /** Scoring model name or path (default: `active`). */
  scoring?: string | ScoringModel;
}

export interface EvalPrediction { conversationId: string; label: EvalLabel; predicted: EvalLabel; ruleScore: number; score: number; signals: string[] }

export interface EvalReport {
  source: string;
  catalog: string;
  scoring: string;
  count: number;
  high: Pick<BinaryScores, 'precision' | 'recall' | 'f1'> & { tp: number; fp: number; fn: number; tn: number };
  /** confusion[actual][predicted]; present when the data has medium labels. */
  confusion?: Confusion;
  labels: Record<EvalLabel, number>;
  predictions?: EvalPrediction[];
}

export const parseJsonl = parseEvalJsonl;

/** Production's path: snapshot → extract (rules) → score stage's scoring function, at the conversation's last message. */
export function predict(conv: LabelledConversation, catalog: SignalCatalog, model: ScoringModel = loadScoringModel('active')): EvalPrediction {
  const rec = signalsFromLabelled(conv, catalog);
  const scored = scoreSignals(rec, model, rec.lastCustomerMessageAt ?? rec.extractedAt);
  return { conversationId: conv.conversation_id, label: conv.label, predicted: TIER_LABEL[scored.tier], ruleScore: rec.ruleScore, score: scored.score, signals: rec.signals.map((s) => s.id) };
}

export function evaluate(conversations: LabelledConversation[], catalog: SignalCatalog, source: string, details = false, model: ScoringModel = loadScoringModel('active')): EvalReport {
  const predictions = conversations.map((c) => predict(c, catalog, model));
  const pairs = predictions.map((p) => ({ actual: p.label, predicted: p.predicted }));
  const labels = { high: 0, medium: 0, low: 0 } as Record<EvalLabel, number>;
  for (const p of predictions) labels[p.label]++;
  return {
    source,
    catalog: catalog.version,
    scoring: model.version,
    count: conversations.length,
    high: binaryScores(pairs),
    ...(labels.medium > 0 ? { confusion: confusionMatrix(pairs) } : {}),
    labels,
    ...(details ? { predictions } : {}),
  };
}

export function runEval(opts: EvalOptions): EvalReport {
  if (!opts.input === !opts.dataset) throw configError('eval needs exactly one of --input FILE.jsonl or --dataset NAME');
  const catalog = typeof opts.catalog === 'object' ? opts.catalog : loadCatalog(opts.catalog ?? 'default');
  const model = typeof opts.scoring === 'object' ? opts.scoring : loadScoringModel(opts.scoring ?? 'active');
  if (opts.input) return evaluate(parseJsonl(readFileSync(opts.input, 'utf8'), opts.input), catalog, opts.input, opts.details, model);
  const dsOpts: DatasetOptions = {};
  if (opts.split) dsOpts.split = opts.split;
  if (opts.datasetsDir) dsOpts.dir = opts.datasetsDir;
  const data = loadDataset(opts.dataset!, dsOpts);
  const source = opts.dataset === 'hint3-sofmattress' ? `${opts.dataset}/${opts.split ?? 'test'}` : opts.dataset!;
  return evaluate(data, catalog, source, opts.details, model);
}
