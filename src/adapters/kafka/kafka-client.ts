// The kafkajs types the Kafka runtime drives (consumer groups, transactional
// producers, admin), re-exported so that kafkajs is imported under
// adapters/kafka only. Clients are made by kafka-factory.ts.
export type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, Producer } from 'kafkajs';
