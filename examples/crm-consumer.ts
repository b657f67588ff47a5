// An example consumer of leadwire.lead-events.v1, the way a CRM or an alerting
// service would write one: route on the CloudEvents headers without parsing,
// drop duplicates by ce_id, act on the actions. Run with the stack's settings:
//   eval "$(npx leadwire stack env)"; npx tsx examples/crm-consumer.ts
// It is an example: a real consumer keeps `seen` in its own database (a unique
// index on the event id) so that dropping duplicates survives its restarts.
import { Kafka, logLevel } from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const topic = process.env.LEADWIRE_TOPIC_LEAD_EVENTS ?? 'leadwire.lead-events.v1';
const kafka = new Kafka({ clientId: 'crm-example', brokers, logLevel: logLevel.WARN });
// read_committed (the default) is what makes leadwire's exactly-once output visible exactly once.
const consumer = kafka.consumer({ groupId: process.env.GROUP_ID ?? 'crm-example' });
const seen = new Set<string>();

interface LeadEvent {
  eventId: string;
  type: 'lead.qualified' | 'lead.nurturing' | 'lead.disqualified';
  conversationId: string;
  score: number;
  probability: number;
  contact: { type: string | null; id: string | null } | null;
  reasons: { positive: Array<{ signal: string; quote: string | null }>; negative: Array<{ signal: string; quote: string | null }> };
  actions: Array<{ type: 'alert'; severity: string } | { type: 'follow_up_task'; dueAt: number } | { type: 'assign'; seller: string; rule: string }>;
}

/** Plain JSON, or the schema registry's wire format (magic byte 0 + 4-byte schema id) when SCHEMA_REGISTRY_URL was set. */
function decode(bytes: Buffer): LeadEvent {
  return JSON.parse((bytes[0] === 0 ? bytes.subarray(5) : bytes).toString('utf8')) as LeadEvent;
}

await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  eachMessage: async ({ message }) => {
    const h = (k: string) => message.headers?.[k]?.toString();
    const id = h('ce_id');
    // Route without parsing: this service only cares about qualified and nurturing leads.
    if (!id || h('ce_type') === 'dev.leadwire.lead.disqualified.v1' || !message.value) return;
    if (seen.has(id)) return;
    seen.add(id);
    const ev = decode(message.value);
    const why = ev.reasons.positive.map((r) => `${r.signal}${r.quote ? ` ("${r.quote}")` : ''}`).join(', ');
    for (const a of ev.actions) {
      if (a.type === 'alert') console.log(`ALERT ${ev.conversationId}: qualified lead (score ${ev.score}, p=${ev.probability}) because ${why}; contact ${ev.contact?.type}#${ev.contact?.id}`);
      if (a.type === 'follow_up_task') console.log(`TASK  follow up conversation ${ev.conversationId} by ${new Date(a.dueAt).toISOString()}`);
      if (a.type === 'assign') console.log(`ASSIGN conversation ${ev.conversationId} to ${a.seller} (${a.rule})`);
    }
  },
});
process.on('SIGINT', () => void consumer.disconnect().then(() => process.exit(0)));
