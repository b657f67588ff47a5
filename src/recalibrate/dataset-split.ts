// Which labels a recalibration fits on and which it is judged on. A dataset that ships a
// split of its own is used as shipped (hint3: train.csv → test.csv; CLINC150: val.jsonl →
// items.jsonl, its test split), so the held-back figures are on data the fit never saw and are
// comparable with `leadwire eval`. Others are split by a hash of the conversation id: the same
// split on every machine and every run, independent of file order.
import { createHash } from 'node:crypto';
import { loadDataset, type DatasetOptions } from '../eval/datasets.js';
import type { LabelledConversation } from '../eval/labelled-conversation.js';
import type { SignalCatalog } from '../processors/extract/catalog.js';
import type { ScoringModel } from '../processors/score/scoring-model.js';
import { signalsFromLabelled } from '../eval/labelled-signals.js';
import { precisionOf, recalibrate, type LabelledExample, type RecalibrateOptions } from './recalibrate.js';

/** Datasets whose own train (or validation) split is fitted on, their test split judged on. */
const OWN_SPLIT: Record<string, string> = { 'hint3-sofmattress': 'train.csv → test.csv', clinc150: 'val.jsonl → items.jsonl (test)' };

export interface DatasetSplit<T> {
  train: T[];
  test: T[];
  /** How the split was made, for reports. */
  how: string;
}

/** True for the ids a `share` hash hold-out keeps back (about `share` of them). */
export function heldBack(id: string, share: number): boolean {
  return createHash('sha1').update(id).digest().readUInt16BE(0) / 65536 < share;
}

/** Splits items by a hash of their id: `share` of them held back. */
export function hashSplit<T>(items: T[], idOf: (x: T) => string, share: number): { train: T[]; test: T[] } {
  return { train: items.filter((x) => !heldBack(idOf(x), share)), test: items.filter((x) => heldBack(idOf(x), share)) };
}

/** A labelled dataset split for fitting and judging; `share` applies only where the dataset ships no split. */
export function datasetSplit(name: string, share: number, opts: Omit<DatasetOptions, 'split'> = {}): DatasetSplit<LabelledConversation> {
  const own = OWN_SPLIT[name];
  if (own) return { train: loadDataset(name, { ...opts, split: 'train' }), test: loadDataset(name, { ...opts, split: 'test' }), how: `the dataset's own split, ${own}` };
  const { train, test } = hashSplit(loadDataset(name, opts), (c) => c.conversation_id, share);
  return { train, test, how: `${Math.round(share * 100)} % held back by a hash of the conversation id` };
}

/** A dataset's split as recalibration examples: signals records built the way production builds them, label high = good. */
export function labelledSplit(name: string, share: number, catalog: SignalCatalog, opts: Omit<DatasetOptions, 'split'> = {}): DatasetSplit<LabelledExample & { id: string }> {
  const d = datasetSplit(name, share, opts);
  const ex = (cs: LabelledConversation[]) => cs.map((c) => ({ id: c.conversation_id, record: signalsFromLabelled(c, catalog), positive: c.label === 'high' }));
  return { train: ex(d.train), test: ex(d.test), how: d.how };
}

/** Fits on the split's train part and judges v-before and v-after on its held-back part. */
export function judgeOnHeldBack(base: ScoringModel, split: DatasetSplit<LabelledExample>, opts: RecalibrateOptions) {
  const r = recalibrate(base, split.train, opts);
  return { result: r, how: split.how, train: split.train.length, test: split.test.length, before: precisionOf(base, split.test), after: precisionOf(r.model, split.test) };
}
