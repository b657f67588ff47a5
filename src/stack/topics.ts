// The stack creates topics through the same code as `leadwire topics create`.
export { ensureTopics, type EnsureTopicsResult } from '../adapters/kafka/topic-admin.js';
