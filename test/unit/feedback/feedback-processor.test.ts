import { describe, expect, it } from 'vitest';
import { createTestDriver } from '../../../src/runtime/test-driver.js';
import { buildTopology, STAGE } from '../../../src/topology/topology.js';
import { configSchema } from '../../../src/config/schema.js';
import { createMemoryAnalyticsStore } from '../../../src/adapters/analytics/memory-analytics-store.js';
import { registry } from '../../../src/core/metrics.js';
import { leadScore } from '../../contract/analytics-contract.js';

async function setup() {
  const analytics = createMemoryAnalyticsStore();
  const labels: Array<[string, unknown]> = [];
  const topo = buildTopology(configSchema.parse({}), { analytics, feedbackLabels: { async setConversationPayload(id, patch) { labels.push([id, patch.label]); } } });
  const d = await createTestDriver(topo.stages.find((s) => s.name === STAGE.feedback)!);
  return { analytics, labels, d };
}

describe('feedback processor', () => {
  it('stores labels with the tier the lead had, labels the vectors, and is idempotent on redelivery', async () => {
    const { analytics, labels, d } = await setup();
    await analytics.recordScore(leadScore('42'));
    const fb = { conversation_id: '42', label: 'bad', reason: 'just a student', actor: 'ana@acme', at: '2026-06-02T10:00:00Z' };
    await d.pipe({ key: '42', value: fb });
    await d.pipe({ key: '42', value: fb });
    await d.pipe({ key: '42', value: { ...fb, label: 'won', at: Date.UTC(2026, 5, 3) } });
    const stored = await analytics.feedbackOf('42');
    expect(stored.map((f) => [f.label, f.tierAtFeedback, f.scoringVersion])).toEqual([['won', 'qualified', 'v1'], ['bad', 'qualified', 'v1']]);
    expect(stored[1]!.at).toBe(Date.UTC(2026, 5, 2, 10));
    expect(labels).toEqual([['42', 'bad'], ['42', 'bad'], ['42', 'good']]);
    const m = await registry.getSingleMetricAsString('leadwire_feedback_total');
    expect(m).toMatch(/leadwire_feedback_total\{label="bad",tier="qualified"\} 1/);
    const p = await registry.getSingleMetric('leadwire_qualified_precision')!.get();
    expect(p.values[0]!.value).toBe(0.5);
    expect(d.deadLetters).toHaveLength(0);
  });

  it('sends invalid feedback to the DLQ with the reason', async () => {
    const { d, analytics } = await setup();
    await d.pipe({ key: '1', value: { conversation_id: '1', label: 'meh', actor: 'x', at: 'yesterday' } });
    await d.pipe({ key: '1', value: { conversation_id: '1', label: 'good', at: 1 } });
    expect(d.deadLetters.map((l) => l.reason)).toEqual(['invalid_feedback', 'invalid_feedback']);
    expect(d.deadLetters[0]!.message).toMatch(/label/);
    expect(d.deadLetters[1]!.message).toMatch(/actor/);
    expect(await analytics.feedbackOf('1')).toEqual([]);
  });
});
