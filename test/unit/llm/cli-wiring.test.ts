// The CLI hands the configured LLM to the topology: `leadwire replay` with
// LLM_* set extracts through the (fake) endpoint, and nothing personal reaches it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../helpers/fake-openai-server.js';
import { envelopeJson } from '../../../src/sources/wire-row.js';

describe('LLM wiring through the CLI', () => {
  let fake: FakeOpenAiServer;
  beforeAll(async () => { fake = await startFakeOpenAiServer(); });
  afterAll(async () => { await fake.close(); });

  it('replay with LLM_MODEL set calls the endpoint and marks the extractor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-llm-cli-'));
    const file = join(dir, 'events.jsonl');
    const t = Date.UTC(2026, 8, 1, 9);
    const row = (id: string, body: string, at: number) => ({ id, conversation_id: '5151', sendable_id: '3', sendable_type: 'App\\Models\\Customer', reply_id: null, body, type: 'text', kept_at: null, deleted_at: null, created_at: at, updated_at: at });
    writeFileSync(file, [
      envelopeJson(row('1', 'Hola, somos una fábrica de empaques y necesitamos una cotización para 600 unidades', t), null, 'c', { tsMs: t }),
      envelopeJson(row('2', 'Mi correo es compras@example.com y mi celular +57 301 555 1234, llámeme mañana', t + 30_000), null, 'c', { tsMs: t + 30_000 }),
    ].join('\n'));
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/leadwire.js', 'replay', file, '--json'], {
      env: { ...process.env, LOG_LEVEL: 'silent', LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-model', LLM_API_KEY: 'test-key', LLM_CACHE: 'memory', DATABASE_URL: '', QDRANT_URL: '' },
      timeout: 60_000,
    });
    const rec = stdout.trim().split('\n').map((l) => JSON.parse(l)).find((r) => r.conversationId === '5151');
    expect(rec.extractor.llm).toMatchObject({ model: 'fake-model' });
    expect(fake.requests.length).toBeGreaterThan(0);
    const sent = JSON.stringify(fake.requests.map((r) => r.body));
    expect(sent).not.toContain('compras@example.com');
    expect(sent).not.toMatch(/301\s?555/);
  }, 60_000);
});
