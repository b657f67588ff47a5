import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConfig } from '../../config/schema.js';
import { metrics } from '../../core/metrics.js';

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug', [logLevel.NOTHING]: 'debug',
};

/**
 * kafkajs' log line when a partition's fetch position is out of range and it
 * commits the subscription's default (for leadwire: the beginning) over the
 * group's offsets. It has no instrumentation event, and it means the partition
 * is read again from the start: count it.
 */
const OFFSET_RESET = 'Offset out of range, resetting to default offset';

/** A kafkajs client whose logs go through pino (module=kafkajs) at the client's own levels. */
export function createKafka(cfg: KafkaConfig, logger: Logger, extra: Partial<KafkaJsConfig> = {}): Kafka {
  const log = logger.child({ module: 'kafkajs' });
  return new Kafka({
    clientId: cfg.clientId,
    brokers: cfg.brokers,
    logLevel: logLevel.WARN,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5000 },
    logCreator: () => ({ namespace, level, log: entry }) => {
      const { message, ...rest } = entry;
      if (message === OFFSET_RESET) metrics.offsetResets.inc({ group: String(rest.groupId ?? ''), topic: String(rest.topic ?? '') });
      log[levels[level] ?? 'info']({ namespace, ...rest }, message);
    },
    ...extra,
  });
}
