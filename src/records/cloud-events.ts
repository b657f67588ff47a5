// CloudEvents 1.0 Kafka protocol binding, binary mode: the attributes travel as
// `ce_` headers so a consumer can route or drop duplicates without parsing the payload.
import type { Headers } from '../stream/processor-api.js';

export interface CloudEventAttributes {
  id: string;
  type: string;
  source: string;
  /** Event time, epoch ms. */
  time: number;
  subject?: string;
  dataschema?: string;
}

export function cloudEventHeaders(a: CloudEventAttributes, contentType = 'application/json'): Headers {
  const h: Headers = {
    ce_specversion: '1.0',
    ce_id: a.id,
    ce_type: a.type,
    ce_source: a.source,
    ce_time: new Date(a.time).toISOString(),
    'content-type': contentType,
  };
  if (a.subject !== undefined) h.ce_subject = a.subject;
  if (a.dataschema !== undefined) h.ce_dataschema = a.dataschema;
  return h;
}
