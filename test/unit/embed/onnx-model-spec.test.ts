// What the ONNX embedder reads from a model folder, and its pooling, without running a model (the
// model itself runs in test/integration/onnx-embedder.test.ts).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeOnnxModel, pool } from '../../../src/adapters/embedder/onnx-embedder.js';
import { loadConfig } from '../../../src/config/load.js';

function folder(name: string, files: Record<string, unknown>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'lw-spec-')), name);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), Buffer.alloc(4096, 7));
  writeFileSync(join(dir, 'tokenizer.json'), '{}');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 768, max_position_embeddings: 514 }));
  for (const [f, v] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), JSON.stringify(v));
  }
  return dir;
}

describe('ONNX model folder', () => {
  it('takes pooling, normalisation, dimensions and length from the sentence-transformers files', () => {
    const dir = folder('my-model', {
      'modules.json': [{ path: '', type: 'sentence_transformers.models.Transformer' }, { path: 'pool', type: 'sentence_transformers.models.Pooling' }],
      'pool/config.json': { word_embedding_dimension: 768, pooling_mode_cls_token: true },
      'sentence_bert_config.json': { max_seq_length: 128 },
    });
    expect(describeOnnxModel(dir)).toMatchObject({ pooling: 'cls', normalize: false, dimensions: 768, maxTokens: 128, prefixes: { query: '', passage: '' } });
  });

  it('defaults to mean pooling and the model positions without sentence-transformers files', () => {
    expect(describeOnnxModel(folder('bare', {}))).toMatchObject({ pooling: 'mean', dimensions: 768, maxTokens: 514 });
  });

  it('gives E5 exports their query: and passage: prefixes, and honours prompts an export records', () => {
    expect(describeOnnxModel(folder('multilingual-e5-small', {})).prefixes).toEqual({ query: 'query: ', passage: 'passage: ' });
    expect(describeOnnxModel(folder('other', { 'config_sentence_transformers.json': { prompts: { query: 'Q: ', document: 'D: ' } } })).prefixes).toEqual({ query: 'Q: ', passage: 'D: ' });
    expect(describeOnnxModel(folder('see5-model', {})).prefixes).toEqual({ query: '', passage: '' });
  });

  it('has an id that changes with the model file and the settings, not with the folder location', () => {
    const a = describeOnnxModel(folder('m', {}));
    const b = describeOnnxModel(folder('m', {}));
    expect(a.id).toBe(b.id);
    const c = folder('m', {});
    writeFileSync(join(c, 'onnx', 'model.onnx'), Buffer.alloc(4096, 8));
    expect(describeOnnxModel(c).id).not.toBe(a.id);
  });

  it('says what is missing and how to get a model', () => {
    expect(() => describeOnnxModel('/nonexistent/model')).toThrow(/does not exist.*leadwire models fetch/);
  });

  it('EMBEDDER=onnx without EMBED_MODEL_PATH fails at start, saying how to fix it', () => {
    expect(() => loadConfig({ EMBEDDER: 'onnx' })).toThrow(/EMBED_MODEL_PATH.*models fetch/);
  });
});

describe('pooling', () => {
  // Two inputs of three tokens, two dimensions; the second has one padding token.
  const hidden = { dims: [2, 3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6, 1, 0, 3, 8, 100, 100]) };
  const mask = { dims: [2, 3], data: [1, 1, 1, 1, 1, 0] };
  it('means over the tokens the mask keeps', () => {
    expect(pool(hidden, mask, 'mean').map((v) => [...v])).toEqual([[3, 4], [2, 4]]);
  });
  it('takes the first token for cls, the maximum for max', () => {
    expect(pool(hidden, mask, 'cls').map((v) => [...v])).toEqual([[1, 2], [1, 0]]);
    expect(pool(hidden, mask, 'max').map((v) => [...v])).toEqual([[5, 6], [3, 8]]);
  });
});
