import pino, { type Logger } from 'pino';

export type { Logger };

let root: Logger | undefined;

/** The process-wide root logger; modules take a child with `module` (and record fields). */
export function rootLogger(level?: string): Logger {
  if (!root) {
    root = pino({
      level: level ?? process.env.LOG_LEVEL ?? 'info',
      base: { app: 'leadwire' },
      // Bodies never reach logs: redaction is a safety net for accidental record dumps.
      redact: { paths: ['*.body', '*.text', 'body', 'text'], censor: '[redacted]' },
    }, pino.destination({ fd: 2, sync: false }));
  }
  return root;
}

export function moduleLogger(module: string, bindings: Record<string, unknown> = {}): Logger {
  return rootLogger().child({ module, ...bindings });
}

/** A logger that drops everything, for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** Writes out buffered log lines; call before process.exit so the last lines are not lost. */
export function flushLogs(): Promise<void> {
  if (!root) return Promise.resolve();
  return new Promise((resolve) => root!.flush(() => resolve()));
}
