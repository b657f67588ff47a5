// Micro-benchmark of the normalize processor's per-message cost on realistic
// short Spanish chat traffic (shapes from DESIGN.md: 46% ≤ 2 words, p50 15
// chars, p90 53, emoji and typos, occasional phone/e-mail).
// Run: npx tsx test/unit/normalize/bench-normalize.ts [messages]
import { silentLogger } from '../../../src/core/logger.js';
import type { KeyValueStore, ProcessorContext, StreamRecord } from '../../../src/stream/processor-api.js';
import type { StageSpec } from '../../../src/stream/stage.js';
import { createTestDriver } from '../../../src/runtime/test-driver.js';
import { createNormalizeProcessor } from '../../../src/processors/normalize/normalize-processor.js';
import type { NormalizedMessage } from '../../../src/records/normalized-message.js';
import { makeDebeziumEvent } from '../../fixtures/debezium/make-event.js';
import { normalizeConfig, normalizeStage } from './harness.js';
import { createPromMetrics } from '../../../src/runtime/prom-metrics.js';

const N = Number(process.argv[2] ?? 100_000);

const SHORT = ['Hola', 'Buenas', 'El precio', '500', 'Colombia', 'Gracias', 'Ok', 'Si', 'Cuánto vale?', 'Info', 'Precio?', 'Me interesa', 'Bogotá', 'Buenas tardes', 'Ok gracias 👍', 'Listo', 'Dale', '🙏', 'Quisiera info', 'Sí señor'];
const LONG = [
  'Quisiera un video del producto', 'Cuánto cuesta el envío a Medellín?', 'Hola buenas tardes, me interesa la máquina',
  'Necesito cotizar 200 unidades para mi empresa', 'Que precio tiene por mayor?', 'hola kiero saber el presio de la maquina 😊',
  'Me puede enviar el catálogo por favor', 'Producimos más de 500 unidades al mes, se puede visitar la fábrica?',
  'Cuál es el tiempo de entrega a Cali?', 'Tienen garantía? y formas de pago', 'Buenas noches, a qué hora atienden mañana?',
  'Mi número es 300 123 4567 para que me llamen', 'Le escribo al correo ventas.juan@gmail.com', 'El presupuesto es de $ 12.500.000',
];
function bodyFor(i: number): string {
  // Deterministic mix: ~46% short, the rest longer, some with a random quantity so texts do not all repeat.
  const r = (i * 2654435761) >>> 0;
  if (r % 100 < 46) return SHORT[r % SHORT.length]!;
  const base = LONG[r % LONG.length]!;
  return r % 3 === 0 ? `${base} ${(r % 900) + 10}` : base;
}

const T0 = Date.UTC(2024, 4, 1, 10);
// Every event is a distinct message (the dedupe cache never hits), as in live traffic.
const events = Array.from({ length: N }, (_, i) => makeDebeziumEvent({
  id: 1_000_000 + i, conversation_id: 5000 + (i % 800), sendable_id: 10 + (i % 50),
  sendable_type: i % 3 === 0 ? 'App\\Models\\User' : 'App\\Models\\Customer', body: bodyFor(i),
  created_at: T0 + i * 60_000, updated_at: T0 + i * 60_000,
}, 'c'));
const avgBytes = events.reduce((n, e) => n + e.value.length, 0) / events.length;

const stageMetrics = createPromMetrics('normalize');

function fakeCtx(): { ctx: ProcessorContext<NormalizedMessage>; forwarded: () => number } {
  let forwarded = 0;
  const map = new Map<string, unknown>();
  const store: KeyValueStore<unknown> = {
    name: 'message-index', get: (k) => map.get(k), put: (k, v) => { map.set(k, v); }, delete: (k) => { map.delete(k); },
    has: (k) => map.has(k), entries: () => map.entries(), get size() { return map.size; },
  };
  const ctx: ProcessorContext<NormalizedMessage> = {
    stage: 'normalize', partition: 0, logger: silentLogger, clock: { now: () => 0 }, streamTime: () => 0,
    forward: () => { forwarded++; }, deadLetter: () => { throw new Error('unexpected dead letter'); },
    getStore: <V>() => store as KeyValueStore<V>, timers: { schedule() {}, cancel() {}, get: () => undefined },
    metrics: () => stageMetrics,
  };
  return { ctx, forwarded: () => forwarded };
}

const ROUNDS = 3;

// Machines running this are shared: report the best of a few rounds.
function rate(label: string, n: number, samples: bigint[]): void {
  const best = samples.reduce((a, b) => (b < a ? b : a));
  const s = Number(best) / 1e9;
  console.log(`${label.padEnd(44)} ${Math.round(n / s).toLocaleString('en-US').padStart(10)} msg/s  ${((s / n) * 1e6).toFixed(2).padStart(7)} µs/msg`);
}

async function main() {
  console.log(`normalize micro-benchmark: ${N.toLocaleString('en-US')} messages, avg envelope ${Math.round(avgBytes)} bytes, node ${process.version}`);
  const record = (i: number): StreamRecord<Buffer> => {
    const e = events[i]!;
    return { key: e.key, value: e.value, timestamp: e.timestamp, headers: {} };
  };

  // Baseline: just decoding the bytes, the floor any consumer of this topic pays.
  const base: bigint[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) JSON.parse(events[i]!.value.toString('utf8'));
    base.push(process.hrtime.bigint() - t);
  }
  rate('baseline JSON.parse of the envelope', N, base);

  // Direct: the processor alone, a fresh one per round (so its dedupe cache and store start empty).
  for (const [label, dedupe] of [['processor, direct (dedupe on)', 100_000], ['processor, direct (dedupe off)', 0]] as const) {
    const samples: bigint[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const p = createNormalizeProcessor(normalizeConfig({ dedupeCacheSize: dedupe }));
      const { ctx, forwarded } = fakeCtx();
      p.init(ctx);
      const t = process.hrtime.bigint();
      for (let i = 0; i < N; i++) p.process(record(i));
      samples.push(process.hrtime.bigint() - t);
      if (forwarded() !== N) throw new Error(`forwarded ${forwarded()} of ${N}`);
    }
    rate(label, N, samples);
  }

  // Through the stage task via the test driver (units, changelog capture, per-key ordering).
  const viaDriver: bigint[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const driver = await createTestDriver(normalizeStage(normalizeConfig({})) as StageSpec);
    const t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      const e = events[i]!;
      await driver.pipe({ key: e.key, value: e.value, timestamp: e.timestamp });
      if (driver.outputs.length >= 10_000) { driver.outputs.length = 0; driver.changelog.length = 0; }
    }
    viaDriver.push(process.hrtime.bigint() - t);
    await driver.close();
  }
  rate('processor via createTestDriver', N, viaDriver);
}

await main();
