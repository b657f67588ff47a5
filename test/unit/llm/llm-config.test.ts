import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { silentLogger } from '../../../src/core/logger.js';
import { buildLlmExtractor } from '../../../src/topology/build-llm-extractor.js';

describe('llm config', () => {
  it('no model: no LLM extractor (rules only), even with an OPENAI_API_KEY around', () => {
    const cfg = loadConfig({ OPENAI_API_KEY: 'sk-test' });
    expect(cfg.llm.model).toBeUndefined();
    expect(buildLlmExtractor(cfg.llm, { logger: silentLogger })).toBeUndefined();
  });

  it('reads the endpoint from the environment; LLM_API_KEY wins over OPENAI_API_KEY', () => {
    const cfg = loadConfig({ LLM_MODEL: 'gpt-4o-mini', OPENAI_API_KEY: 'sk-a', LLM_API_KEY: 'sk-b', LLM_TIMEOUT_MS: '5000', LLM_PRICES: '{"gpt-4o-mini":{"inputPer1M":1,"outputPer1M":2}}' });
    expect(cfg.llm).toMatchObject({ model: 'gpt-4o-mini', apiKey: 'sk-b', timeoutMs: 5_000, prices: { 'gpt-4o-mini': { inputPer1M: 1, outputPer1M: 2 } } });
    const x = buildLlmExtractor(cfg.llm, { logger: silentLogger });
    expect(x?.model).toBe('gpt-4o-mini');
    expect(x?.promptVersion).toBe('extract.v2');
  });

  it('a local endpoint needs no key', () => {
    expect(loadConfig({ LLM_MODEL: 'llama3', LLM_BASE_URL: 'http://127.0.0.1:11434/v1' }).llm.baseUrl).toBe('http://127.0.0.1:11434/v1');
    expect(loadConfig({ LLM_MODEL: 'llama3', LLM_BASE_URL: 'http://localhost:8000/v1' }).llm.model).toBe('llama3');
  });

  it.each([
    [{ LLM_MODEL: 'gpt-4o-mini' }, /LLM_MODEL is set .* without LLM_BASE_URL or an API key/],
    [{ LLM_BASE_URL: 'http://127.0.0.1:1/v1' }, /LLM_BASE_URL is set .* but LLM_MODEL is not/],
    [{ LLM_MODEL: 'm', LLM_BASE_URL: 'https://llm.example.com/v1' }, /is not on this machine and no LLM_API_KEY/],
    [{ LLM_MODEL: 'm', LLM_API_KEY: 'k', LLM_CACHE: 'postgres' }, /LLM_CACHE=postgres needs DATABASE_URL/],
    [{ LLM_MODEL: 'm', LLM_API_KEY: 'k', LLM_TOKENS_PER_MINUTE: '2000' }, /below one call's budget/],
    [{ LLM_MODEL: 'm', LLM_API_KEY: 'k', LLM_PRICES: 'not json' }, /LLM_PRICES must be JSON/],
    [{ LLM_MODEL: 'm', LLM_API_KEY: 'k', LLM_PROMPT_VERSION: 'extract.v9' }, /prompt extract.v9 not found/],
  ])('contradictory settings fail at start with a clear message: %o', (env, message) => {
    expect(() => {
      const cfg = loadConfig(env as NodeJS.ProcessEnv);
      buildLlmExtractor(cfg.llm, { logger: silentLogger });
    }).toThrow(message);
  });
});
