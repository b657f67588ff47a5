-- Analytics: every emitted lead score (with reasons, signals and versions), the
-- latest score per conversation (the lead list), feedback, and scoring versions.
-- Writers are at-least-once sinks: every insert is idempotent on its event id.

CREATE TABLE IF NOT EXISTS lead_score_history (
  event_id          uuid        PRIMARY KEY,
  conversation_id   text        NOT NULL,
  snapshot_version  integer     NOT NULL,
  revision          integer     NOT NULL DEFAULT 0,
  scoring_version   text        NOT NULL,
  catalog_version   text        NOT NULL,
  prompt_version    text,
  model             text,
  score             real        NOT NULL,
  probability       real        NOT NULL,
  tier              text        NOT NULL CHECK (tier IN ('qualified', 'nurturing', 'unqualified')),
  previous_tier     text,
  language          text        NOT NULL,
  segment           text,
  shadow_version    text,
  shadow_score      real,
  shadow_tier       text,
  scored_at         timestamptz NOT NULL,
  -- The whole leadwire.lead-scores.v1 record: reasons with quotes, signals with evidence.
  record            jsonb       NOT NULL,
  inserted_at       timestamptz NOT NULL DEFAULT now()
);
-- Detail page: a conversation's history, newest first.
CREATE INDEX IF NOT EXISTS lead_score_history_conversation
  ON lead_score_history (conversation_id, snapshot_version DESC, revision DESC, scored_at DESC);
-- Shadow report: scores of one shadow version.
CREATE INDEX IF NOT EXISTS lead_score_history_shadow
  ON lead_score_history (shadow_version) WHERE shadow_version IS NOT NULL;

-- The latest score per conversation: what the lead list pages through.
CREATE TABLE IF NOT EXISTS leads (
  conversation_id          text        PRIMARY KEY,
  event_id                 uuid        NOT NULL,
  snapshot_version         integer     NOT NULL,
  revision                 integer     NOT NULL DEFAULT 0,
  scoring_version          text        NOT NULL,
  prompt_version           text,
  score                    real        NOT NULL,
  probability              real        NOT NULL,
  tier                     text        NOT NULL,
  language                 text        NOT NULL,
  segment                  text,
  contact_type             text,
  contact_id               text,
  scored_at                timestamptz NOT NULL,
  last_customer_message_at timestamptz,
  updated_at               timestamptz NOT NULL DEFAULT now()
);
-- Lead list: by tier (and language), newest first, keyset paging on (scored_at, conversation_id).
CREATE INDEX IF NOT EXISTS leads_tier_scored ON leads (tier, scored_at DESC, conversation_id DESC);
CREATE INDEX IF NOT EXISTS leads_language_tier_scored ON leads (language, tier, scored_at DESC, conversation_id DESC);
CREATE INDEX IF NOT EXISTS leads_scored ON leads (scored_at DESC, conversation_id DESC);
-- Re-scoring: conversations whose latest score came from another scoring or prompt version.
CREATE INDEX IF NOT EXISTS leads_versions ON leads (scoring_version, prompt_version, scored_at DESC);

CREATE TABLE IF NOT EXISTS lead_feedback (
  feedback_id      uuid        PRIMARY KEY,
  conversation_id  text        NOT NULL,
  label            text        NOT NULL CHECK (label IN ('good', 'bad', 'won', 'lost')),
  reason           text,
  actor            text        NOT NULL,
  at               timestamptz NOT NULL,
  -- What leadwire said when the person judged it: precision of "qualified" as judged by people.
  tier_at_feedback text,
  scoring_version  text,
  inserted_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS lead_feedback_conversation ON lead_feedback (conversation_id, at DESC);
CREATE INDEX IF NOT EXISTS lead_feedback_at ON lead_feedback (at DESC);

CREATE TABLE IF NOT EXISTS scoring_versions (
  version      text        PRIMARY KEY,
  status       text        NOT NULL CHECK (status IN ('candidate', 'shadow', 'active', 'retired')),
  parent       text,
  model        jsonb       NOT NULL,
  metrics      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  promoted_at  timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS scoring_versions_one_active ON scoring_versions (status) WHERE status = 'active';
