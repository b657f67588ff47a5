// The lead board end to end in a real browser: Debian's Chromium driven by
// playwright-core (never `npx playwright install`).
//  1. Local runtime, as `npm start` runs it: the samples on the board; a new
//     hot conversation appears live (server-sent events, no reload); the
//     detail shows the evidence; the good button puts feedback on the runtime's
//     feedback topic. Screenshots go to a temporary folder (LEADWIRE_SCREENSHOTS_DIR
//     overrides it: scripts/refresh-screenshots.sh points it at docs/screenshots/ on purpose).
//  2. The real stack: rows written into PostgreSQL → Debezium → a worker
//     running normalize, window, extract and score on Kafka → the server reads
//     the lead topics on Kafka → the card appears; the button's feedback
//     arrives on the real Kafka feedback topic.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import pg from 'pg';
import { loadConfig } from '../../src/config/load.js';
import { sourceTopic } from '../../src/config/schema.js';
import { buildTopology, STAGE } from '../../src/topology/topology.js';
import { createLocalRuntime, type LocalRuntime } from '../../src/runtime/local-runtime.js';
import { sampleEvents } from '../../src/sources/sample-source.js';
import { envelopeJson, keyJson, type WireMessageRow } from '../../src/sources/wire-row.js';
import { silentLogger } from '../../src/core/logger.js';
import { startLeadServer, type RunningLeadServer } from '../../src/topology/lead-server.js';
import { createTopics, env, reader, startGroupAtEnd, uniqueId, waitFor, withAdmin } from '../helpers/kafka-kit.js';
import { spawnWorker, type Worker } from '../helpers/worker.js';

const CHROMIUM = '/usr/bin/chromium';
// Never the tracked docs/screenshots/ by default: a test run leaves the working tree as it was.
const SHOTS = process.env.LEADWIRE_SCREENSHOTS_DIR || mkdtempSync(join(tmpdir(), 'lw-board-shots-'));

async function openBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  const profile = mkdtempSync(join(tmpdir(), 'lw-chromium-'));
  // A persistent context is how playwright takes a fresh --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return { context, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

/** Debezium insert events of one conversation, as the connector would write them. */
function conversationEvents(conversationId: string, firstId: number, startMs: number, messages: Array<['customer' | 'agent', string, number]>) {
  return messages.map(([role, body, offsetS], i) => {
    const created = startMs + offsetS * 1000;
    const row: WireMessageRow = {
      id: String(firstId + i), conversation_id: conversationId,
      sendable_id: role === 'customer' ? '7001' : '12',
      sendable_type: role === 'customer' ? 'App\\Models\\Customer' : 'App\\Models\\User',
      reply_id: null, body, type: 'text', kept_at: null, deleted_at: null, created_at: created, updated_at: created,
    };
    return { key: keyJson(row.id), value: envelopeJson(row, null, 'c', { tsMs: created, lsn: (firstId + i) * 100 }), timestamp: created };
  });
}

const cardsIn = (page: Page, tier: string) => page.locator(`[data-cards="${tier}"] .card`);

describe('lead board over the local runtime (npm start)', () => {
  const config = loadConfig({ LEADWIRE_API_TOKEN: 'board-e2e-token-0123456789' });
  let rt: LocalRuntime;
  let server: RunningLeadServer;
  let browser: Awaited<ReturnType<typeof openBrowser>>;

  beforeAll(async () => {
    rt = createLocalRuntime(buildTopology(config), { clock: { now: () => Date.now() }, logger: silentLogger, partitions: config.kafka.partitions });
    for (const e of sampleEvents()) rt.produce(sourceTopic(config.topics), { key: e.key, value: Buffer.from(e.value), timestamp: e.timestamp });
    await rt.runUntilIdle({ flushWallTimers: true });
    server = await startLeadServer(config, { runtime: rt, logger: silentLogger, search: null, port: 0 });
    browser = await openBrowser();
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rt?.stop();
  });

  it('shows the samples by tier, a new qualified conversation live, its evidence, and sends feedback from the button', async () => {
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // The token rides in the fragment, as `leadwire start` prints the link.
    await page.goto(`${server.url}/#token=${encodeURIComponent(server.token)}`);
    await page.locator('#conn[data-state="live"]').waitFor({ timeout: 10_000 });
    await cardsIn(page, 'qualified').first().waitFor();
    const before = await cardsIn(page, 'qualified').count();
    expect(await cardsIn(page, 'unqualified').count()).toBeGreaterThan(0);
    expect(page.url()).not.toContain('token=');

    // A new conversation, hot enough to qualify, arrives while the board is open.
    const conv = '4242';
    const startMs = Date.now() - 60_000;
    for (const e of conversationEvents(conv, 900_001, startMs, [
      ['customer', 'Buenas tardes, somos una fábrica de muebles en Medellín', 0],
      ['agent', 'Hola, con gusto. ¿En qué le podemos ayudar?', 20],
      ['customer', 'Necesito una cotización para 200 unidades este mes, ¿me pueden llamar hoy? mi correo es compras@muebles-ejemplo.co', 45],
    ])) rt.produce(sourceTopic(config.topics), { key: e.key, value: Buffer.from(e.value), timestamp: e.timestamp });
    await rt.runUntilIdle({ flushWallTimers: true });

    const card = page.locator(`[data-cards="qualified"] .card[data-id="${conv}"]`);
    await card.waitFor({ timeout: 10_000 });
    expect(await cardsIn(page, 'qualified').count()).toBe(before + 1);
    const cardText = await card.innerText();
    expect(cardText).toMatch(/cotizaci|llamar/);
    await page.screenshot({ path: join(SHOTS, 'board.png') });

    // Detail: evidence quoted, personal data redacted.
    await card.click();
    const detail = page.locator('#detail');
    await detail.waitFor({ state: 'visible' });
    await detail.getByText(`Conversation #${conv}`).waitFor();
    const detailText = await detail.innerText();
    expect(detailText).toContain('qualified');
    expect(detailText).toContain('[email]');
    expect(detailText).not.toContain('compras@muebles-ejemplo.co');
    await page.screenshot({ path: join(SHOTS, 'lead-detail.png') });

    // Feedback from the button reaches the runtime's feedback topic.
    await detail.locator('button.fb[data-label="good"]').click();
    await page.locator('#toast').getByText(`#${conv} marked good`).waitFor({ timeout: 10_000 });
    await rt.runUntilIdle();
    const fb = rt.read<{ conversation_id: string; label: string; actor: string }>(config.topics.feedback).map((r) => r.value);
    expect(fb).toEqual([expect.objectContaining({ conversation_id: conv, label: 'good', actor: 'board' })]);
    // The board hears it back through the topic: the label shows on the card.
    await page.locator(`.card[data-id="${conv}"] [data-role="label"]`).getByText('good').waitFor({ timeout: 10_000 });
    expect(pageErrors).toEqual([]);
    expect(existsSync(join(SHOTS, 'board.png')) && existsSync(join(SHOTS, 'lead-detail.png'))).toBe(true);
  }, 90_000);
});

describe('lead board over the real stack (PostgreSQL → Debezium → Kafka workers → board)', () => {
  const app = uniqueId('e2e-board');
  const vars: Record<string, string> = {
    KAFKA_BROKERS: env.kafkaBrokers.join(','), DEBEZIUM_TOPIC_PREFIX: env.topicPrefix, LEADWIRE_APP_ID: app, KAFKA_PARTITIONS: '2',
    LEADWIRE_TOPIC_MESSAGES: `${app}.messages`, LEADWIRE_TOPIC_CONVERSATIONS: `${app}.conversations`, LEADWIRE_TOPIC_SIGNALS: `${app}.signals`,
    LEADWIRE_TOPIC_LEAD_SCORES: `${app}.scores`, LEADWIRE_TOPIC_LEAD_EVENTS: `${app}.events`, LEADWIRE_TOPIC_FEEDBACK: `${app}.feedback`, LEADWIRE_TOPIC_DLQ: `${app}.dlq`,
    WINDOW_GAP_MS: '3000', KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_COMMIT_INTERVAL_MS: '100',
    LEADWIRE_API_TOKEN: 'board-stack-token-0123456789',
  };
  const config = loadConfig(vars);
  const t = config.topics;
  const stages = [STAGE.normalize, STAGE.window, STAGE.extract, STAGE.score];
  const db = new pg.Client({ connectionString: env.databaseUrl });
  let worker: Worker;
  let server: RunningLeadServer;
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  let feedback: Awaited<ReturnType<typeof reader>>;
  const conv = (BigInt(9_200_000_000_000) + BigInt(Date.now() % 1_000_000_000)).toString();

  beforeAll(async () => {
    await db.connect();
    await createTopics([t.messages, t.conversations, t.signals, t.leadScores, t.leadEvents, t.feedback, t.dlq], 2);
    await startGroupAtEnd(`${app}-${STAGE.normalize}`, sourceTopic(t));
    worker = spawnWorker(stages, { ...vars, LEADWIRE_INSTANCE_ID: `${app}-w` }, `${app}-worker`);
    await waitFor(async () => withAdmin(async (a) => {
      const d = await a.describeGroups(stages.map((s) => `${app}-${s}`));
      return d.groups.every((g) => g.state === 'Stable' && g.members.length > 0);
    }), 90_000, 'worker groups stable');
    feedback = await reader([t.feedback]);
    server = await startLeadServer(config, { logger: silentLogger, search: null, port: 0 });
    await waitFor(async () => (await server.app.inject('/readyz')).statusCode === 200, 30_000, 'server ready');
    browser = await openBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (worker && worker.proc.exitCode === null) await worker.term();
    await feedback?.close();
    await db.end();
  });

  it('a conversation written into PostgreSQL appears as qualified; the good button publishes to the Kafka feedback topic', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/#token=${encodeURIComponent(server.token)}`);
    await page.locator('#conn[data-state="live"]').waitFor({ timeout: 10_000 });

    await db.query(`INSERT INTO wire_conversations (id, type, created_at, updated_at) VALUES ($1, 'private', now(), now())`, [conv]);
    const say = (role: 'customer' | 'agent', body: string) => db.query(
      `INSERT INTO wire_messages (conversation_id, sendable_id, sendable_type, body, type, created_at, updated_at) VALUES ($1, $2, $3, $4, 'text', now(), now())`,
      [conv, role === 'customer' ? 4343 : 5, role === 'customer' ? 'App\\Models\\Customer' : 'App\\Models\\User', body]);
    await say('customer', 'Hola, buenas tardes');
    await say('agent', 'Hola, ¿en qué le podemos ayudar?');
    await say('customer', 'Necesito una cotización para 50 máquinas, ¿me pueden llamar mañana?');

    const card = page.locator(`[data-cards="qualified"] .card[data-id="${conv}"]`);
    await card.waitFor({ timeout: 60_000 });
    expect(await card.innerText()).toMatch(/cotizaci|llamar/);

    await card.locator('button.fb[data-label="good"]').click();
    await feedback.waitFor(() => feedback.of(t.feedback).some((r) => r.key === conv), 20_000, 'the feedback record on Kafka');
    const rec = feedback.of(t.feedback).find((r) => r.key === conv)!;
    expect(JSON.parse(rec.value!)).toMatchObject({ schema: 'leadwire.feedback.v1', conversation_id: conv, label: 'good', actor: 'board' });
    expect(rec.headers).toMatchObject({ ce_type: 'dev.leadwire.feedback.v1', ce_subject: conv });
    // Read back from Kafka by the server's own consumer: the card shows the label.
    await page.locator(`.card[data-id="${conv}"] [data-role="label"]`).getByText('good').waitFor({ timeout: 20_000 });
  }, 180_000);
});
