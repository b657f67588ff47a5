// Every dead letter both runtimes write must satisfy schemas/dlq.v1.json.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildDeadLetter } from '../../../src/runtime/dead-letter.js';
import { createLocalRuntime } from '../../../src/runtime/local-runtime.js';
import { buildTopology } from '../../../src/topology/topology.js';
import { loadConfig } from '../../../src/config/load.js';
import { silentLogger } from '../../../src/core/logger.js';

const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../../schemas/dlq.v1.json', import.meta.url)), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
const validate = ajv.compile(schema);

describe('dlq.v1', () => {
  it('accepts what the topology dead-letters, with origin and original bytes', async () => {
    const config = loadConfig({});
    const rt = createLocalRuntime(buildTopology(config), { clock: { now: () => 1_700_000_000_000 }, logger: silentLogger, partitions: 2 });
    const src = 'wirechat.public.wire_messages';
    rt.produce(src, { key: '{"id":1}', value: Buffer.from('not json'), timestamp: 1 });
    rt.produce(src, { key: '{"id":2}', value: Buffer.from([0xff, 0xfe, 0x00]), timestamp: 2 });
    rt.produce(src, { key: '{"id":3}', value: Buffer.from('{"op":"c","after":{"id":3}}'), timestamp: 3 });
    rt.produce(config.topics.messages, { key: '9', value: Buffer.from('{"broken"'), timestamp: 4 });
    await rt.runUntilIdle();
    const letters = rt.read<Record<string, unknown>>(config.topics.dlq);
    expect(letters.map((l) => l.value.reason)).toEqual(expect.arrayContaining(['invalid_json', 'invalid_utf8', 'undecodable']));
    for (const l of letters) expect(validate(l.value), ajv.errorsText(validate.errors)).toBe(true);
    await rt.stop();
  });

  it('rejects a record without its reason or with a bad origin', () => {
    const ok = buildDeadLetter({ stage: 's', reason: 'x_y', message: 'm', origin: { topic: 't', partition: 0, offset: '5' }, original: 'abc', now: 0 }).value;
    expect(validate(ok)).toBe(true);
    expect(validate({ ...ok, reason: undefined })).toBe(false);
    expect(validate({ ...ok, origin: { topic: 't', partition: -1, offset: '5' } })).toBe(false);
    expect(validate({ ...ok, reason: 'Not Snake' })).toBe(false);
  });
});
