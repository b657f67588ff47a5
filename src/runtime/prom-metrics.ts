// StageMetrics on the process's Prometheus registry (core/metrics.ts): the
// series a processor declares are created on first use and shared by every
// task and stage of the process.
import { Counter, Gauge, Histogram } from 'prom-client';
import { metrics as runtimeMetrics, registry } from '../core/metrics.js';
import type { CounterSpec, GaugeSpec, HistogramSpec, MetricSpec, StageMetrics } from '../stream/stage-metrics.js';

type Made<S extends MetricSpec> = S extends CounterSpec ? Counter : S extends GaugeSpec ? Gauge : Histogram;

function series<S extends MetricSpec>(spec: S): Made<S> {
  const existing = registry.getSingleMetric(spec.name);
  if (existing) return existing as unknown as Made<S>;
  const common = { name: spec.name, help: spec.help, labelNames: [...spec.labelNames], registers: [registry] };
  if (spec.kind === 'counter') return new Counter(common) as Made<S>;
  if (spec.kind === 'gauge') return new Gauge(common) as Made<S>;
  return new Histogram({ ...common, buckets: [...spec.buckets] }) as Made<S>;
}

/** Metrics of one stage (`filtered` carries its name) or, without a stage, of a process-wide component such as the LLM extractor. */
export function createPromMetrics(stage = ''): StageMetrics {
  // Filters run per record on hot paths: one label lookup per reason, not per record.
  const filtered = new Map<string, { inc(n?: number): void }>();
  return {
    filtered(reason, n = 1) {
      let c = filtered.get(reason);
      if (!c) filtered.set(reason, c = runtimeMetrics.filtered.labels({ stage, reason }));
      c.inc(n);
    },
    count(spec, labels = {}, n = 1) { series(spec).inc(labels, n); },
    set(spec, value, labels = {}) { series(spec).set(labels, value); },
    observe(spec, value, labels = {}) { series(spec).observe(labels, value); },
  };
}

/** Registers series before their first use, so /metrics lists them (at 0 when unlabelled) from the start. */
export function declarePromMetrics(specs: readonly MetricSpec[]): void {
  for (const s of specs) series(s);
}
