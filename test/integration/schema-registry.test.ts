// The schema registry path against a real registry: SCHEMA_REGISTRY_URL when
// set (docker-compose gives Confluent's), else a throwaway Apicurio Registry
// started here from Maven Central. Schemas register under <topic>-value, the
// score stage's payloads go out in the wire format and decode back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApicurio, type LocalRegistry } from '../../src/adapters/schema-registry/apicurio-local.js';
import { createConfluentSchemaRegistry, registerLeadwireSchemas, subjectFor } from '../../src/adapters/schema-registry/schema-registry.js';
import { configSchema } from '../../src/config/schema.js';
import { buildTopology, STAGE } from '../../src/topology/topology.js';
import { createTestDriver } from '../../src/runtime/test-driver.js';
import { decodePayload } from '../../src/processors/score/analytics-sink.js';
import { uniqueId } from '../helpers/kafka-kit.js';
import { HOT, signals, T0 } from '../unit/score/fixtures.js';

describe('schema registry', () => {
  let local: LocalRegistry | undefined;
  let url: string;
  beforeAll(async () => {
    if (process.env.SCHEMA_REGISTRY_URL) url = process.env.SCHEMA_REGISTRY_URL;
    else { local = await startLocalApicurio(); url = local.url; }
  }, 600_000);
  afterAll(async () => { await local?.stop(); });

  it('registers every public schema and encodes lead scores and events that decode back; invalid payloads are refused', async () => {
    const app = uniqueId('sr');
    const topics = { messages: `${app}.m`, conversations: `${app}.c`, signals: `${app}.s`, leadScores: `${app}.scores`, leadEvents: `${app}.events`, feedback: `${app}.f`, dlq: `${app}.dlq` };
    const registry = createConfluentSchemaRegistry(url);
    const ids = await registerLeadwireSchemas(registry, topics);
    expect(Object.keys(ids)).toHaveLength(7);
    const subjects = await fetch(`${url}/subjects`).then((r) => r.json() as Promise<string[]>);
    expect(subjects).toEqual(expect.arrayContaining([subjectFor(topics.leadScores), subjectFor(topics.leadEvents), subjectFor(topics.feedback)]));

    const config = configSchema.parse({ schemaRegistryUrl: url, topics: { ...topics, sourcePrefix: app } });
    const d = await createTestDriver(buildTopology(config).stages.find((s) => s.name === STAGE.score)!);
    await d.pipe({ key: '1', value: signals('1', HOT), timestamp: T0 });
    const [score] = d.outputs.filter((o) => o.output === 'default');
    const [event] = d.outputs.filter((o) => o.output === 'events');
    for (const o of [score!, event!]) {
      const bytes = o.record.value as Buffer;
      expect(Buffer.isBuffer(bytes)).toBe(true);
      expect(bytes[0]).toBe(0);
      const decoded = await registry.decode(bytes) as { conversationId: string; eventId: string };
      expect(decoded.conversationId).toBe('1');
      expect(decoded).toEqual(decodePayload(bytes));
      expect(o.record.headers!.ce_id).toBe(decoded.eventId);
    }
    expect(bytesId(score!.record.value as Buffer)).toBe(ids[subjectFor(topics.leadScores)]);
    await expect(registry.encode(subjectFor(topics.leadScores), {}, { schema: 'nope' })).rejects.toThrow(/does not match/);
  }, 120_000);
});

const bytesId = (b: Buffer) => b.readInt32BE(1);
