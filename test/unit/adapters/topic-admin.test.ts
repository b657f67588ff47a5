// ensureTopics against a fake kafkajs Admin that fails the ways a loaded broker does.
import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ensureTopics } from '../../../src/adapters/kafka/topic-admin.js';

function fakeAdmin(opts: { createError?: object; leaderAfterCalls?: number }) {
  let metadataCalls = 0;
  const admin = {
    listTopics: async () => [],
    createTopics: async () => { if (opts.createError) throw Object.assign(new Error('create failed'), opts.createError); return true; },
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
      metadataCalls++;
      if (metadataCalls === 1) throw Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true });
      const leader = metadataCalls > (opts.leaderAfterCalls ?? 0) ? 0 : -1;
      return { topics: topics.map((name) => ({ name, partitions: [{ partitionId: 0, leader }] })) };
    },
  };
  return { admin: admin as unknown as Admin, calls: () => metadataCalls };
}

const defaults = { partitions: 1, replicationFactor: 1 };

describe('ensureTopics', () => {
  it('waits for the leaders itself when the broker\'s metadata lags behind a create (retriable error)', async () => {
    const f = fakeAdmin({ createError: { type: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true }, leaderAfterCalls: 2 });
    const r = await ensureTopics(f.admin, [{ name: 'a', doc: 'test topic' }], defaults);
    expect(r.created).toEqual(['a']);
    expect(f.calls()).toBe(3);
  });

  it('takes a topic another worker created meanwhile as created', async () => {
    const f = fakeAdmin({ createError: { type: 'TOPIC_ALREADY_EXISTS', retriable: false } });
    await expect(ensureTopics(f.admin, [{ name: 'a', doc: 'test topic' }], defaults)).resolves.toMatchObject({ created: ['a'] });
    expect(f.calls()).toBe(0);
  });

  it('throws an error that is not retriable, without waiting', async () => {
    const f = fakeAdmin({ createError: { type: 'TOPIC_AUTHORIZATION_FAILED', retriable: false } });
    await expect(ensureTopics(f.admin, [{ name: 'a', doc: 'test topic' }], defaults)).rejects.toThrow('create failed');
    expect(f.calls()).toBe(0);
  });
});
