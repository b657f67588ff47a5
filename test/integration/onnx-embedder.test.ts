// The ONNX embedder with its real model (all-MiniLM-L6-v2, quantized, from Maven Central; fetched by
// `stack up`): the Embedder contract, no network at run time, and what the model is for.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createOnnxEmbedder } from '../../src/adapters/embedder/onnx-embedder.js';
import { dot } from '../../src/ports/embedder.js';
import { createLocalEmbedder } from '../../src/adapters/embedder/local-embedder.js';
import { runEmbedderContract } from '../contract/embedder-contract.js';
import { onnxModelPath } from '../helpers/onnx-model.js';

const modelPath = onnxModelPath();
const open = (over: Partial<Parameters<typeof createOnnxEmbedder>[0]> = {}) => createOnnxEmbedder({ modelPath, batchSize: 4, ...over });

/** A copy of the model folder, changed by `edit`. */
function copyModel(edit: (dir: string) => void): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'lw-onnx-')), 'model');
  cpSync(modelPath, dir, { recursive: true });
  edit(dir);
  return dir;
}

runEmbedderContract({
  name: 'ONNX (all-MiniLM-L6-v2 from Maven Central)',
  batchSize: 4,
  // This model is dynamically quantized (DynamicQuantizeLinear scales each batch as a whole): measured 0.987–0.991 here.
  batchAgreement: 0.98,
  open: () => open(),
  async broken() {
    // A model file that is not an ONNX graph: found at start, fails when ONNX Runtime loads it.
    const dir = copyModel((d) => writeFileSync(join(d, 'onnx', 'model.onnx'), 'not a model'));
    return { embedder: createOnnxEmbedder({ modelPath: dir, batchSize: 4 }), kind: 'config', retriable: false };
  },
});

describe('ONNX embedder', () => {
  it('loads and embeds without any network request', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    try {
      // A fresh copy: nothing of it is loaded yet in this process.
      const e = createOnnxEmbedder({ modelPath: copyModel(() => undefined), batchSize: 4 });
      const [v] = await e.embed(['offline please']);
      expect(v).toHaveLength(384);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it('reads mean pooling, 384 dimensions and 256 word pieces from the folder, and no prefixes for MiniLM', () => {
    const e = open();
    expect(e.spec).toMatchObject({ pooling: 'mean', normalize: true, dimensions: 384, maxTokens: 256, prefixes: { query: '', passage: '' } });
    expect(e.id).toMatch(/^onnx:all-minilm-l6-v2-q:[0-9a-f]{12}:mean:t256$/);
  });

  it('finds paraphrases that share no words, which the hashing embedder cannot', async () => {
    const onnx = open();
    const local = createLocalEmbedder();
    const texts = ["I can't log in to my account", 'I forgot my password and need to reset it', 'What is the price of car insurance?'];
    const [a, b, c] = await onnx.embed(texts);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!) + 0.1);
    const [x, y, z] = await local.embed(texts);
    expect(dot(x!, y!)).toBeLessThan(dot(x!, z!) + 0.1);
  });

  it('prefixes queries and passages for a model that wants them (an E5 export)', async () => {
    const e5 = createOnnxEmbedder({ modelPath: copyModel((d) => writeFileSync(join(d, 'config_sentence_transformers.json'), JSON.stringify({ prompts: { query: 'query: ', passage: 'passage: ' } }))), batchSize: 4 });
    expect(e5.spec.prefixes).toEqual({ query: 'query: ', passage: 'passage: ' });
    expect(e5.id).not.toBe(open().id);
    const [q] = await e5.embed(['precio de la máquina'], 'query');
    const [p] = await e5.embed(['precio de la máquina'], 'passage');
    const [plain] = await open().embed(['query: precio de la máquina']);
    expect(dot(q!, p!)).toBeLessThan(0.999);
    expect(dot(q!, plain!)).toBeGreaterThan(0.9999);
  });

  it('cuts inputs longer than the model reads instead of failing', async () => {
    const e = open();
    const long = 'quisiera una cotización de quinientas unidades '.repeat(200);
    // Each alone: both are cut to the same 256 word pieces.
    const [v] = await e.embed([long]);
    const [head] = await e.embed([long.slice(0, 2000)]);
    expect(dot(v!, head!)).toBeGreaterThan(0.9999);
  });

  it('refuses EMBED_DIMENSIONS that differ from the model, and a folder without a model, at creation', () => {
    expect(() => open({ dimensions: 512 })).toThrow(/EMBED_DIMENSIONS=512 .* 384-dimensional/);
    expect(() => createOnnxEmbedder({ modelPath: join(tmpdir(), 'no-such-model'), batchSize: 4 })).toThrow(/does not exist.*models fetch/);
    const noTokenizer = copyModel((d) => rmSync(join(d, 'tokenizer.json')));
    expect(() => createOnnxEmbedder({ modelPath: noTokenizer, batchSize: 4 })).toThrow(/has no tokenizer.json.*sentence-transformers ONNX export/);
  });
});
