// Fills the window stage with open conversations through the runtime's own
// executor (stores, timers, changelog collapse), without Kafka: the memory
// benchmark measures what that state costs, the restore benchmark writes the
// changelog it produces onto Kafka and times a fresh worker reading it back.
import { silentLogger } from '../../src/core/logger.js';
import { StageExecutor, type OutMessage } from '../../src/runtime/stage-executor.js';
import { partitionFor } from '../../src/runtime/partitioner.js';
import { buildTopology, STAGE } from '../../src/topology/topology.js';
import type { Config } from '../../src/config/schema.js';
import type { NormalizedMessage } from '../../src/records/normalized-message.js';
import { conversationTraffic } from './traffic.js';

export interface FillOptions {
  conversations: number;
  messagesPerConversation: number;
  partitions: number;
  /** Receives each batch of records the executor would commit (outputs and changelog). */
  onCommit?: (messages: OutMessage[]) => void;
}

/**
 * Messages go round-robin over the conversations, 4 s of event time apart per
 * round, so every session stays open (20 rounds < the 90 s gap) and every
 * conversation ends with pending changes and a live timer, the heaviest state.
 * Bodies, roles and languages come from the realistic traffic generator.
 */
export async function fillWindow(config: Config, opts: FillOptions): Promise<StageExecutor> {
  const spec = buildTopology(config).stages.find((s) => s.name === STAGE.window)!;
  const executor = new StageExecutor(spec, { app: config.appId, clock: { now: () => Date.now() }, logger: silentLogger, dlqTopic: config.topics.dlq, partitionsOf: () => opts.partitions });
  for (let p = 0; p < opts.partitions; p++) await executor.open(p);
  const samples = conversationTraffic(20_000, 7);
  const t0 = Date.now() - 3600_000;
  const offsets = new Array<bigint>(opts.partitions).fill(0n);
  let since = 0;
  let n = 0;
  for (let r = 0; r < opts.messagesPerConversation; r++) {
    for (let c = 0; c < opts.conversations; c++) {
      const s = samples[(c * 31 + r * 7) % samples.length]!;
      const cid = String(5_000_000 + c);
      const at = t0 + r * 4000 + (c % 1000);
      const msg: NormalizedMessage = {
        ...s, id: String(48_000_000_000 + n), conversationId: cid, createdAt: at, updatedAt: at,
        sender: s.sender.role === 'customer' ? { ...s.sender, id: String(900_000 + c) } : s.sender,
      };
      n++;
      const key = Buffer.from(cid);
      const p = partitionFor(key, opts.partitions);
      executor.submit({ topic: spec.input.topic, partition: p, offset: offsets[p]!++, key, value: Buffer.from(JSON.stringify(msg)), timestamp: at, headers: {} });
      if (++since >= 20_000) {
        since = 0;
        await executor.drain();
        const c2 = executor.takeCommittable();
        opts.onCommit?.(c2.messages);
      }
    }
  }
  await executor.drain();
  opts.onCommit?.(executor.takeCommittable().messages);
  return executor;
}
