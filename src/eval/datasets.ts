// Converts the public datasets shipped in datasets/ into the eval format.
// Label mapping (see docs/eval.md): what each dataset's own labels say about
// purchase intent.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configError } from '../core/errors.js';
import { parseCsv } from './csv.js';
import { parseEvalJsonl, type EvalLabel, type LabelledConversation } from './labelled-conversation.js';

export const DATASET_NAMES = ['hint3-sofmattress', 'dstc11-insurance', 'persuasionforgood', 'sgd-dstc8', 'clinc150', 'bitext-customer-support'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** LEADWIRE_DATASETS, else the datasets/ folder shipped in the repository. */
export function datasetsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LEADWIRE_DATASETS ? resolve(env.LEADWIRE_DATASETS) : resolve(REPO_ROOT, 'datasets');
}

const HINT3_AFTER_SALE = new Set(['ORDER_STATUS', 'DELAY_IN_DELIVERY', 'CANCEL_ORDER', 'RETURN_EXCHANGE', 'NO_NODES_DETECTED']);
const DSTC11_HIGH = new Set(['GetQuote', 'EnrollInPlan', 'ChangePlan']);

export function hint3Label(intent: string): EvalLabel {
  if (intent === 'LEAD_GEN') return 'high';
  return HINT3_AFTER_SALE.has(intent) ? 'low' : 'medium';
}

export function dstc11Label(intent: string): EvalLabel {
  return DSTC11_HIGH.has(intent) ? 'high' : 'low';
}

function read(file: string): string {
  if (!existsSync(file)) throw configError(`Dataset file ${file} not found: set LEADWIRE_DATASETS to the folder that holds the datasets`);
  return readFileSync(file, 'utf8');
}

function single(id: string, label: EvalLabel, body: string): LabelledConversation {
  return { conversation_id: id, label, messages: [{ role: 'customer', body }] };
}

export interface DatasetOptions {
  dir?: string;
  /** hint3 only: `test` (the reported target) or `train` (for development). */
  split?: 'train' | 'test';
}

export function loadDataset(name: string, opts: DatasetOptions = {}): LabelledConversation[] {
  const dir = opts.dir ?? datasetsDir();
  switch (name) {
    case 'hint3-sofmattress': {
      const split = opts.split ?? 'test';
      return parseCsv(read(join(dir, name, `${split}.csv`)))
        .map((r, i) => single(`hint3-${split}-${i + 1}`, hint3Label(r.label!.trim()), r.sentence ?? ''))
        .filter((c) => c.messages[0]!.body.trim() !== '');
    }
    case 'dstc11-insurance':
      return read(join(dir, name, 'utterances.jsonl')).split('\n').filter((l) => l.trim()).map((l) => {
        const u = JSON.parse(l) as { utterance: string; utterance_id: string; intent: string };
        return single(u.utterance_id, dstc11Label(u.intent), u.utterance);
      });
    case 'persuasionforgood':
      return persuasion(dir);
    case 'sgd-dstc8':
    case 'bitext-customer-support':
      return parseEvalJsonl(read(join(dir, name, 'items.jsonl')), `${name}/items.jsonl`);
    case 'clinc150': {
      // items.jsonl is CLINC150's test split, val.jsonl its validation split.
      const file = opts.split === 'train' ? 'val.jsonl' : 'items.jsonl';
      return parseEvalJsonl(read(join(dir, name, file)), `${name}/${file}`);
    }
    default:
      throw configError(`Unknown dataset '${name}': expected one of ${DATASET_NAMES.join(', ')}`);
  }
}

/** Conversation level: the persuadee (B4 = 1) is the customer; donated > 0 = converted (high), else low. */
function persuasion(dir: string): LabelledConversation[] {
  const info = parseCsv(read(join(dir, 'persuasionforgood', 'full_info.csv')));
  const donated = new Map<string, number>();
  for (const r of info) if (r.B4 === '1') donated.set(r.B2!, Number(r.B6));
  const byDialog = new Map<string, Array<{ turn: number; idx: number; role: 'customer' | 'agent'; body: string }>>();
  for (const r of parseCsv(read(join(dir, 'persuasionforgood', 'full_dialog.csv')))) {
    const id = r.B2!;
    let list = byDialog.get(id);
    if (!list) { list = []; byDialog.set(id, list); }
    list.push({ turn: Number(r.Turn), idx: Number(r['']), role: r.B4 === '1' ? 'customer' : 'agent', body: r.Unit ?? '' });
  }
  const out: LabelledConversation[] = [];
  for (const [id, units] of byDialog) {
    const d = donated.get(id);
    if (d === undefined || !Number.isFinite(d)) continue;
    units.sort((a, b) => a.idx - b.idx);
    out.push({
      conversation_id: id,
      label: d > 0 ? 'high' : 'low',
      messages: units.filter((u) => u.body.trim()).map((u, i) => ({ role: u.role, body: u.body, created_at: i * 5_000 })),
    });
  }
  return out;
}
