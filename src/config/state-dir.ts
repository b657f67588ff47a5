import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where leadwire keeps files between runs (the table reader's checkpoint, the in-process vector
 * store) when LEADWIRE_STATE_DIR is unset: the XDG state directory, never the current folder, so
 * a run from another folder resumes from the same place and nothing lands in a checkout.
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(env.HOME || homedir(), '.local', 'state'), 'leadwire');
}
