// Where the integration tests find the ONNX embedder's model: EMBED_MODEL_PATH from `stack env`
// (`stack up` fetches it from Maven Central into the jar cache).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function onnxModelPath(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.EMBED_MODEL_PATH;
  if (!path || !existsSync(join(path, 'onnx', 'model.onnx'))) {
    throw new Error(`EMBED_MODEL_PATH (${path ?? 'unset'}) has no onnx/model.onnx: run \`npx leadwire stack up\` (it fetches the model) and eval "$(npx leadwire stack env)"`);
  }
  return path;
}
