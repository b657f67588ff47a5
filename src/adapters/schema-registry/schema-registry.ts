// The SchemaRegistry port (optional): registers leadwire's public JSON Schemas
// under the topic-name strategy (`<topic>-value`) and encodes payloads in the
// Confluent wire format (magic byte 0, 4-byte schema id, JSON), validating them
// on the way out. Any Confluent-compatible registry serves it: Confluent's own,
// or Apicurio Registry's /apis/ccompat/v7.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaRegistry as ConfluentRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import Ajv2020 from 'ajv/dist/2020.js';
import { LeadwireError } from '../../core/errors.js';

export const SCHEMAS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../schemas');

export interface SchemaRegistryPort {
  /** Registers (or finds) a schema under a subject; returns its registry id. */
  register(subject: string, schema: object): Promise<number>;
  /** Validates and encodes a payload with the subject's registered schema (registering it first if needed). */
  encode(subject: string, schema: object, value: unknown): Promise<Buffer>;
  /** Decodes (and validates) a payload in the wire format. */
  decode(bytes: Buffer): Promise<unknown>;
}

export const subjectFor = (topic: string) => `${topic}-value`;

export function loadSchema(name: string, dir = SCHEMAS_DIR): object {
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as object;
}

export function createConfluentSchemaRegistry(url: string): SchemaRegistryPort {
  // 2020-12 schemas need Ajv's 2020 dialect; addUsedSchema off so one schema id can be compiled again safely.
  const ajv = new Ajv2020.default({ strict: false, allErrors: true, addUsedSchema: false });
  ajv.addFormat('date-time', (s: string) => Number.isFinite(Date.parse(s)));
  const registry = new ConfluentRegistry({ host: url.replace(/\/$/, '') }, { [SchemaType.JSON]: { ajvInstance: ajv as never } });
  const ids = new Map<string, Promise<number>>();
  const wrap = (op: string, err: unknown) => new LeadwireError(`schema registry ${op}: ${(err as Error).message}`, { kind: 'unavailable', cause: err });

  const register = (subject: string, schema: object) => {
    let p = ids.get(subject);
    if (!p) {
      p = registry.register({ type: SchemaType.JSON, schema: JSON.stringify(schema) }, { subject }).then((r) => r.id, (err) => {
        ids.delete(subject);
        throw wrap(`register ${subject}`, err);
      });
      ids.set(subject, p);
    }
    return p;
  };
  return {
    register,
    async encode(subject, schema, value) {
      const id = await register(subject, schema);
      try { return await registry.encode(id, value); } catch (err) {
        // A payload that breaks its own schema is a bug, not an outage: never retried.
        throw new LeadwireError(`payload does not match ${subject} (id ${id}): ${(err as Error).message} ${JSON.stringify((err as { paths?: unknown }).paths ?? '')}`, { kind: 'validation', cause: err });
      }
    },
    async decode(bytes) {
      try { return await registry.decode(bytes); } catch (err) { throw wrap('decode', err); }
    },
  };
}

/** The score stage's PayloadEncoder on a registry: lead scores and lead events under their topics' subjects. */
export function registryPayloadEncoder(registry: SchemaRegistryPort, topics: { leadScores: string; leadEvents: string }) {
  const scores = loadSchema('lead-scores.v1');
  const events = loadSchema('lead-events.v1');
  return (which: 'leadScores' | 'leadEvents', value: unknown): Promise<Buffer> =>
    which === 'leadScores' ? registry.encode(subjectFor(topics.leadScores), scores, value) : registry.encode(subjectFor(topics.leadEvents), events, value);
}

/** Registers every public schema under its topic's subject (at startup or from the CLI). */
export async function registerLeadwireSchemas(registry: SchemaRegistryPort, topics: Record<'messages' | 'conversations' | 'signals' | 'leadScores' | 'leadEvents' | 'feedback' | 'dlq', string>): Promise<Record<string, number>> {
  const pairs: Array<[string, string]> = [
    [topics.messages, 'messages.v1'], [topics.conversations, 'conversations.v1'], [topics.signals, 'signals.v1'],
    [topics.leadScores, 'lead-scores.v1'], [topics.leadEvents, 'lead-events.v1'], [topics.feedback, 'feedback.v1'], [topics.dlq, 'dlq.v1'],
  ];
  const out: Record<string, number> = {};
  for (const [topic, name] of pairs) out[subjectFor(topic)] = await registry.register(subjectFor(topic), loadSchema(name));
  return out;
}
