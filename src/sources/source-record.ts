/** A Debezium-shaped record read from a file, a table or the samples, on its way to the source topic. */
export interface SourceRecord { key: string; value: string | Buffer; timestamp: number }
