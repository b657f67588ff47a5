// Feedback metrics: labels by the tier leadwire had given, and the precision of
// "qualified" as judged by people (positive judgements / all judgements of
// leads that were qualified when judged).
import { Counter, Gauge } from 'prom-client';
import { registry } from '../../core/metrics.js';

function once<T>(name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as unknown as T | undefined) ?? make();
}

export const feedbackMetrics = {
  labels: once('leadwire_feedback_total', () => new Counter({ name: 'leadwire_feedback_total', help: 'Feedback labels stored, by label and the tier the lead had when judged', labelNames: ['label', 'tier'], registers: [registry] })),
  qualifiedPrecision: once('leadwire_qualified_precision', () => new Gauge({ name: 'leadwire_qualified_precision', help: 'Share of judged qualified leads that people judged good or won (this process)', registers: [registry] })),
};
