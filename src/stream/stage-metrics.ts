// What a processor reports besides its records, through ctx.metrics() (as in
// Kafka Streams). Records in, out and dead-lettered are counted by the runtime,
// once per record; a processor reports only what the runtime cannot see:
// records it drops on purpose and its domain counters. Metrics are declared as
// plain data here and made into Prometheus series by the runtime, so processors
// import no metrics library.

export type MetricLabels = Record<string, string>;

interface MetricSpecBase {
  name: string;
  help: string;
  labelNames: readonly string[];
}
export interface CounterSpec extends MetricSpecBase { kind: 'counter' }
export interface GaugeSpec extends MetricSpecBase { kind: 'gauge' }
export interface HistogramSpec extends MetricSpecBase { kind: 'histogram'; buckets: readonly number[] }
export type MetricSpec = CounterSpec | GaugeSpec | HistogramSpec;

export const counterSpec = (name: string, help: string, labelNames: readonly string[] = []): CounterSpec => ({ kind: 'counter', name, help, labelNames });
export const gaugeSpec = (name: string, help: string, labelNames: readonly string[] = []): GaugeSpec => ({ kind: 'gauge', name, help, labelNames });
export const histogramSpec = (name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): HistogramSpec => ({ kind: 'histogram', name, help, labelNames, buckets });

export interface StageMetrics {
  /** A record dropped on purpose (a filter, a duplicate, unchanged content): leadwire_filtered_total{stage, reason}. */
  filtered(reason: string, n?: number): void;
  count(metric: CounterSpec, labels?: MetricLabels, n?: number): void;
  set(metric: GaugeSpec, value: number, labels?: MetricLabels): void;
  observe(metric: HistogramSpec, value: number, labels?: MetricLabels): void;
}
