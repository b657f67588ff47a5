// Feedback metrics: labels by the tier leadwire had given, and the precision of
// "qualified" as judged by people (positive judgements / all judgements of
// leads that were qualified when judged). Reported through ctx.metrics().
import { counterSpec, gaugeSpec } from '../../stream/stage-metrics.js';

export const feedbackMetrics = {
  labels: counterSpec('leadwire_feedback_total', 'Feedback labels stored, by label and the tier the lead had when judged', ['label', 'tier']),
  qualifiedPrecision: gaugeSpec('leadwire_qualified_precision', 'Share of judged qualified leads that people judged good or won (this process)'),
};
