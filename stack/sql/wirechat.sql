-- The WireChat tables (namu/wirechat, Laravel, table prefix `wire_`), as Laravel's PostgreSQL
-- grammar creates them from WireChat's migrations (create_wirechat_conversations_table,
-- create_wirechat_messages_table, create_wirechat_participants_table; integer ids, not uuids).
-- id() → bigserial primary key, unsignedBigInteger → bigint, string → varchar(255),
-- timestamp → timestamp(0) without time zone, softDeletes → deleted_at, timestamps → created_at/updated_at.
-- Replica identity stays DEFAULT, as in a WireChat install: update/delete events carry the key only in
-- `before`. Tests that need full before-images ALTER the table themselves.

create table "wire_conversations" (
  "id" bigserial not null primary key,
  "type" varchar(255) not null,
  "disappearing_started_at" timestamp(0) without time zone null,
  "disappearing_duration" integer null,
  "created_at" timestamp(0) without time zone null,
  "updated_at" timestamp(0) without time zone null
);
comment on column "wire_conversations"."type" is 'Private is 1-1 , group or channel';
create index "wire_conversations_type_index" on "wire_conversations" ("type");

create table "wire_messages" (
  "id" bigserial not null primary key,
  "conversation_id" bigint not null,
  "sendable_id" bigint not null,
  "sendable_type" varchar(255) not null,
  "reply_id" bigint null,
  "body" text null,
  "type" varchar(255) not null default 'text',
  "kept_at" timestamp(0) without time zone null,
  "deleted_at" timestamp(0) without time zone null,
  "created_at" timestamp(0) without time zone null,
  "updated_at" timestamp(0) without time zone null
);
comment on column "wire_messages"."kept_at" is 'filled when a message is kept from disappearing';
alter table "wire_messages" add constraint "wire_messages_conversation_id_foreign"
  foreign key ("conversation_id") references "wire_conversations" ("id") on delete cascade;
alter table "wire_messages" add constraint "wire_messages_reply_id_foreign"
  foreign key ("reply_id") references "wire_messages" ("id") on delete set null;
create index "wire_messages_conversation_id_index" on "wire_messages" ("conversation_id");
create index "wire_messages_sendable_id_sendable_type_index" on "wire_messages" ("sendable_id", "sendable_type");

create table "wire_participants" (
  "id" bigserial not null primary key,
  "conversation_id" bigint not null,
  "role" varchar(255) not null,
  "participantable_id" bigint not null,
  "participantable_type" varchar(255) not null,
  "exited_at" timestamp(0) without time zone null,
  "last_active_at" timestamp(0) without time zone null,
  "conversation_cleared_at" timestamp(0) without time zone null,
  "conversation_deleted_at" timestamp(0) without time zone null,
  "conversation_read_at" timestamp(0) without time zone null,
  "deleted_at" timestamp(0) without time zone null,
  "created_at" timestamp(0) without time zone null,
  "updated_at" timestamp(0) without time zone null
);
alter table "wire_participants" add constraint "wire_participants_conversation_id_foreign"
  foreign key ("conversation_id") references "wire_conversations" ("id") on delete cascade;
alter table "wire_participants" add constraint "conv_part_id_type_unique"
  unique ("conversation_id", "participantable_id", "participantable_type");
create index "wire_participants_exited_at_index" on "wire_participants" ("exited_at");
create index "wire_participants_conversation_cleared_at_index" on "wire_participants" ("conversation_cleared_at");
create index "wire_participants_conversation_deleted_at_index" on "wire_participants" ("conversation_deleted_at");
create index "wire_participants_conversation_read_at_index" on "wire_participants" ("conversation_read_at");
create index "wire_participants_role_index" on "wire_participants" ("role");
