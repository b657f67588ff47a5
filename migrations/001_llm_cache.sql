-- LLM result cache: one validated answer per (content hash, prompt version, model).
-- The conversation index serves the rolling summary and the call gate after a restart.
CREATE TABLE IF NOT EXISTS llm_result_cache (
  content_hash    text        NOT NULL,
  prompt_version  text        NOT NULL,
  model           text        NOT NULL,
  conversation_id text        NOT NULL,
  value           jsonb       NOT NULL,
  created_at      timestamptz NOT NULL,
  PRIMARY KEY (content_hash, prompt_version, model)
);

CREATE INDEX IF NOT EXISTS llm_result_cache_conversation
  ON llm_result_cache (conversation_id, prompt_version, model, created_at DESC);
