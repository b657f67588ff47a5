// Sentence embeddings from a local ONNX model (any sentence-transformers export: a folder with
// onnx/model.onnx, tokenizer.json and config.json), run in process by ONNX Runtime through
// @huggingface/transformers, with remote loading switched off: nothing is fetched at run time.
// Pooling, normalisation, the longest input and the query/passage prefixes come from the folder's
// sentence-transformers files, so another export (e.g. a multilingual-e5 model) works unchanged.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { configError, LeadwireError } from '../../core/errors.js';
import { createRateLimiter, type RateLimiter } from '../../policies/rate-limiter.js';
import type { Embedder, EmbedPurpose } from '../../ports/embedder.js';
import { assertTexts, normalizeInPlace } from '../../ports/embedder.js';

export type Pooling = 'mean' | 'cls' | 'max' | 'mean_sqrt_len';

/** What the model folder says about how to turn token vectors into one sentence vector. */
export interface OnnxModelSpec {
  path: string;
  name: string;
  pooling: Pooling;
  /** The folder lists a Normalize module (vectors are normalised either way: the stores compare by cosine). */
  normalize: boolean;
  dimensions: number | undefined;
  /** Longest input in word pieces; longer inputs are cut. */
  maxTokens: number;
  prefixes: Record<EmbedPurpose, string>;
  /** Stable across machines: name, pooling, prefixes and a fingerprint of the ONNX file. */
  id: string;
}

export interface OnnxEmbedderOptions {
  modelPath: string;
  /** Inputs per model run. */
  batchSize: number;
  /** Model runs per minute and word pieces per minute (0 or unset = no limit). */
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  /** Vector size the configuration expects (EMBED_DIMENSIONS); must match the model's. */
  dimensions?: number;
  /** ONNX Runtime intra-op threads (default: its own, one per core). */
  threads?: number;
  limiter?: RateLimiter;
}

const readJson = (file: string): any => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined); // eslint-disable-line @typescript-eslint/no-explicit-any

/** SHA-256 of the size and the first and last MiB: the same file gives the same id everywhere, without reading a 1 GB model at every start. */
function fingerprint(file: string): string {
  const size = statSync(file).size;
  const h = createHash('sha256').update(String(size));
  const fd = openSync(file, 'r');
  try {
    const n = Math.min(size, 1 << 20);
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, 0);
    h.update(buf);
    readSync(fd, buf, 0, n, size - n);
    h.update(buf);
  } finally {
    closeSync(fd);
  }
  return h.digest('hex').slice(0, 12);
}

/** Reads and checks the model folder; every problem is a config error that says what is missing. */
export function describeOnnxModel(modelPath: string): OnnxModelSpec {
  const path = resolve(modelPath);
  const need = (rel: string) => {
    if (!existsSync(join(path, rel))) {
      throw configError(`EMBED_MODEL_PATH=${modelPath} has no ${rel}: it must be a sentence-transformers ONNX export (onnx/model.onnx, tokenizer.json, config.json); \`npx leadwire models fetch\` fetches all-MiniLM-L6-v2 and prints its folder`);
    }
  };
  if (!existsSync(path)) throw configError(`EMBED_MODEL_PATH=${modelPath} does not exist; \`npx leadwire models fetch\` fetches all-MiniLM-L6-v2 and prints its folder`);
  for (const f of ['onnx/model.onnx', 'tokenizer.json', 'config.json']) need(f);

  const config = readJson(join(path, 'config.json')) ?? {};
  const modules = (readJson(join(path, 'modules.json')) ?? []) as Array<{ path: string; type: string }>;
  const poolingDir = modules.find((m) => m.type.endsWith('.Pooling'))?.path ?? '1_Pooling';
  const pc = readJson(join(path, poolingDir, 'config.json'));
  // Without a pooling config, mean pooling: what sentence-transformers itself defaults to.
  const pooling: Pooling = !pc ? 'mean'
    : pc.pooling_mode_cls_token ? 'cls'
      : pc.pooling_mode_max_tokens ? 'max'
        : pc.pooling_mode_mean_sqrt_len_tokens ? 'mean_sqrt_len'
          : 'mean';
  const normalize = modules.some((m) => m.type.endsWith('.Normalize'));
  const st = readJson(join(path, 'sentence_bert_config.json'));
  const tc = readJson(join(path, 'tokenizer_config.json'));
  const positions = Number(config.max_position_embeddings) || 512;
  const maxTokens = Math.min(Number(st?.max_seq_length) || Number(tc?.model_max_length) || positions, positions);
  const name = String(config._name_or_path || basename(path));
  // sentence-transformers' own prompts when the export names them; the E5 family wants these two
  // prefixes (its model cards say so) and its exports often do not record them.
  const prompts = readJson(join(path, 'config_sentence_transformers.json'))?.prompts ?? {};
  const isE5 = /(^|[^a-z])e5([^a-z]|$)/i.test(`${name} ${basename(path)}`);
  const prefixes: Record<EmbedPurpose, string> = {
    query: prompts.query ?? (isE5 ? 'query: ' : ''),
    passage: prompts.passage ?? prompts.document ?? (isE5 ? 'passage: ' : ''),
  };
  const dimensions = Number(pc?.word_embedding_dimension) || Number(config.hidden_size) || undefined;
  const prefixTag = prefixes.query || prefixes.passage ? `:p${createHash('sha256').update(`${prefixes.query}\u0000${prefixes.passage}`).digest('hex').slice(0, 6)}` : '';
  const id = `onnx:${basename(path)}:${fingerprint(join(path, 'onnx', 'model.onnx'))}:${pooling}:t${maxTokens}${prefixTag}`;
  return { path, name, pooling, normalize, dimensions, maxTokens, prefixes, id };
}

interface Loaded {
  tokenizer: (texts: string[], o: { padding: boolean; truncation: boolean; max_length: number }) => { input_ids: Tensor; attention_mask: Tensor };
  model: (inputs: Record<string, Tensor>) => Promise<{ last_hidden_state?: Tensor; token_embeddings?: Tensor }>;
}
interface Tensor { dims: number[]; data: ArrayLike<number | bigint> }

/** Token vectors → one sentence vector per input, as the model's pooling config says. */
export function pool(hidden: Tensor, mask: Tensor, pooling: Pooling): Float32Array[] {
  const [batch, tokens, dims] = hidden.dims as [number, number, number];
  const h = hidden.data as Float32Array;
  const m = mask.data;
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(dims);
    if (pooling === 'cls') {
      v.set(h.subarray(b * tokens * dims, b * tokens * dims + dims));
    } else if (pooling === 'max') {
      v.fill(-Infinity);
      for (let t = 0; t < tokens; t++) {
        if (!Number(m[b * tokens + t])) continue;
        const off = (b * tokens + t) * dims;
        for (let i = 0; i < dims; i++) if (h[off + i]! > v[i]!) v[i] = h[off + i]!;
      }
    } else {
      let count = 0;
      for (let t = 0; t < tokens; t++) {
        if (!Number(m[b * tokens + t])) continue;
        count++;
        const off = (b * tokens + t) * dims;
        for (let i = 0; i < dims; i++) v[i] = v[i]! + h[off + i]!;
      }
      const div = pooling === 'mean_sqrt_len' ? Math.sqrt(Math.max(count, 1)) : Math.max(count, 1);
      for (let i = 0; i < dims; i++) v[i] = v[i]! / div;
    }
    out.push(v);
  }
  return out;
}

let runtime: Promise<typeof import('@huggingface/transformers')> | undefined;

/** Imported on first use: `npm start` with the default embedder never loads ONNX Runtime. */
function transformers() {
  runtime ??= import('@huggingface/transformers').then((t) => {
    // Local files only: a missing file is an error, never a download.
    t.env.allowRemoteModels = false;
    t.env.allowLocalModels = true;
    t.env.localModelPath = '/';
    t.env.useFSCache = false;
    t.env.useBrowserCache = false;
    return t;
  }, (err: unknown) => {
    runtime = undefined;
    throw new LeadwireError(`EMBEDDER=onnx needs the @huggingface/transformers package (run \`npm ci\`): ${(err as Error).message}`, { kind: 'config', retriable: false, cause: err });
  });
  return runtime;
}

export function createOnnxEmbedder(opts: OnnxEmbedderOptions): Embedder & { spec: OnnxModelSpec } {
  const spec = describeOnnxModel(opts.modelPath);
  if (opts.dimensions !== undefined && spec.dimensions !== undefined && opts.dimensions !== spec.dimensions) {
    throw configError(`EMBED_DIMENSIONS=${opts.dimensions} but the model in ${spec.path} makes ${spec.dimensions}-dimensional vectors: unset EMBED_DIMENSIONS`);
  }
  let dimensions = spec.dimensions;
  const limiter = opts.limiter ?? (opts.requestsPerMinute || opts.tokensPerMinute
    ? createRateLimiter({ requestsPerMinute: opts.requestsPerMinute || Number.MAX_SAFE_INTEGER, tokensPerMinute: opts.tokensPerMinute || Number.MAX_SAFE_INTEGER })
    : undefined);
  let loaded: Promise<Loaded> | undefined;
  // One model run at a time: concurrent runs would only split the same cores between them.
  let turn: Promise<unknown> = Promise.resolve();

  const load = (): Promise<Loaded> => {
    loaded ??= (async () => {
      const t = await transformers();
      const common = { local_files_only: true } as const;
      const tokenizer = await t.AutoTokenizer.from_pretrained(spec.path, common);
      const model = await t.AutoModel.from_pretrained(spec.path, {
        ...common,
        dtype: 'fp32',
        device: 'cpu',
        ...(opts.threads ? { session_options: { intraOpNumThreads: opts.threads } } : {}),
      });
      return { tokenizer: tokenizer as unknown as Loaded['tokenizer'], model: model as unknown as Loaded['model'] };
    })().catch((err: unknown) => {
      loaded = undefined;
      if (err instanceof LeadwireError) throw err;
      throw new LeadwireError(`cannot load the ONNX model in ${spec.path}: ${(err as Error).message}`, { kind: 'config', retriable: false, cause: err });
    });
    return loaded;
  };

  async function runBatch(m: Loaded, texts: string[]): Promise<Float32Array[]> {
    const enc = m.tokenizer(texts, { padding: true, truncation: true, max_length: spec.maxTokens });
    if (limiter) {
      let tokens = 0;
      const mask = enc.attention_mask.data;
      for (let i = 0; i < mask.length; i++) tokens += Number(mask[i]);
      await limiter.acquire(tokens);
    }
    const out = await m.model(enc as unknown as Record<string, Tensor>);
    const hidden = out.last_hidden_state ?? out.token_embeddings;
    if (!hidden) throw new LeadwireError(`the ONNX model in ${spec.path} has no last_hidden_state output: not a sentence-embedding encoder`, { kind: 'config', retriable: false });
    return pool(hidden, enc.attention_mask, spec.pooling);
  }

  return {
    id: spec.id,
    spec,
    get dimensions() { return dimensions; },
    // About four characters a word piece: the chunker keeps chunks within what the model reads.
    maxInputChars: spec.maxTokens * 4,
    async embed(texts, purpose: EmbedPurpose = 'passage') {
      assertTexts(texts);
      if (texts.length === 0) return [];
      const m = await load();
      const prefix = spec.prefixes[purpose];
      // Similar lengths in one batch: padding to the longest input costs the whole batch.
      const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
      const out = new Array<number[]>(texts.length);
      for (let i = 0; i < order.length; i += opts.batchSize) {
        const idx = order.slice(i, i + opts.batchSize);
        const run = turn.then(() => runBatch(m, idx.map((j) => prefix + texts[j]!)));
        turn = run.catch(() => undefined);
        let vectors: Float32Array[];
        try {
          vectors = await run;
        } catch (err) {
          if (err instanceof LeadwireError) throw err;
          throw new LeadwireError(`ONNX model run failed: ${(err as Error).message}`, { kind: 'internal', retriable: false, cause: err });
        }
        vectors.forEach((v, k) => {
          if (dimensions === undefined) dimensions = v.length;
          if (v.length !== dimensions) throw new LeadwireError(`the ONNX model made ${v.length}-dimensional vectors, expected ${dimensions}`, { kind: 'config', retriable: false });
          out[idx[k]!] = Array.from(normalizeInPlace(v));
        });
      }
      return out;
    },
  };
}
