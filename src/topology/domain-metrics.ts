// The processors' own series (ctx.metrics() and the LLM extractor's), declared
// on the process registry when the topology is loaded, as the runtime's are in
// core/metrics.ts: /metrics lists every series a dashboard uses from the start.
import { declarePromMetrics } from '../runtime/prom-metrics.js';
import type { MetricSpec } from '../stream/stage-metrics.js';
import { VECTORS_WRITTEN } from '../processors/embed/embed-processor.js';
import { llmMetrics } from '../processors/extract/llm/llm-metrics.js';
import { feedbackMetrics } from '../processors/feedback/feedback-metrics.js';

export const DOMAIN_METRICS: readonly MetricSpec[] = [VECTORS_WRITTEN, ...Object.values(llmMetrics), ...Object.values(feedbackMetrics)];

declarePromMetrics(DOMAIN_METRICS);
