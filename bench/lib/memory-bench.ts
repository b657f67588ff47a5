// Benchmark 4: RSS of a window worker holding 100k open conversations of 20
// messages each. The state is built in a child process (bench/lib/memory-child.ts)
// through the runtime's executor, with the worker's heap settings, so its RSS is
// the state's and the runtime's alone.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BenchArgs, BenchResult } from './common.js';

export const MEMORY_TARGET_MB = 1024;
const run = promisify(execFile);

export interface MemoryChildResult {
  conversations: number; timers: number; messages: number;
  rssMB: number; peakRssMB: number; heapUsedMB: number; heapTotalMB: number; heapLimitMB: number; fillMs: number;
}

export async function memoryChild(conversations: number, perConversation: number, nodeFlags: string[] = []): Promise<MemoryChildResult> {
  const { stdout } = await run(process.execPath, ['--expose-gc', ...nodeFlags, 'bin/run-ts.js', 'bench/lib/memory-child.ts', String(conversations), String(perConversation)], {
    maxBuffer: 1 << 20, timeout: 600_000, env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as MemoryChildResult;
}

export async function memoryUse(args: BenchArgs, conversations = args.quick ? 10_000 : 100_000, nodeFlags: string[] = workerNodeFlags()): Promise<BenchResult> {
  const r = await memoryChild(conversations, 20, nodeFlags);
  return {
    name: `window memory (${conversations / 1000}k open conversations × 20 messages)`,
    unit: 'MB RSS',
    value: r.peakRssMB,
    target: { kind: 'value<=', value: MEMORY_TARGET_MB },
    pass: r.peakRssMB <= MEMORY_TARGET_MB,
    details: { ...roundAll(r), nodeFlags, bytesPerConversation: Math.round((r.heapUsedMB * 2 ** 20) / r.conversations) },
  };
}

/** The heap flags `leadwire run` gives its worker (none unless set here). */
export function workerNodeFlags(): string[] {
  return (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
}

function roundAll<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v) : v])) as T;
}
