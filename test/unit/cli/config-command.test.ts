// `leadwire config` prints the parsed configuration with every secret masked.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

describe('leadwire config', () => {
  it('masks every secret setting; a database URL keeps all but its password', async () => {
    const env = {
      ...process.env, LOG_LEVEL: 'silent', LLM_API_KEY: 'sk-llm-secret', EMBED_API_KEY: 'emb-secret', QDRANT_API_KEY: 'qdrant-secret',
      LEADWIRE_API_TOKEN: 'token-secret-0123456789', DATABASE_URL: 'postgres://ro:db-secret@db/wirechat', ANALYTICS_DATABASE_URL: 'postgres://lw:an-secret@db2/lw',
    };
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/leadwire.js', 'config'], { env, timeout: 30_000 });
    expect(stdout).not.toMatch(/secret/);
    const c = JSON.parse(stdout);
    expect([c.llm.apiKey, c.embed.apiKey, c.embed.qdrantApiKey, c.http.token]).toEqual(['***', '***', '***', '***']);
    expect([c.database.url, c.database.analyticsUrl, c.database.schema]).toEqual(['postgres://ro:***@db/wirechat', 'postgres://lw:***@db2/lw', 'leadwire']);
  }, 30_000);
});
