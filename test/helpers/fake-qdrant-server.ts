// A TEST DOUBLE of the Qdrant REST API, in-process, for the failures a real Qdrant cannot be made
// to show on demand: 5xx and 429 answers, and requests that hang past the client's timeout
// (`failNext`, `hangNext`). Everything that a real server can show (filters, scoring, scroll,
// collection and payload-index handling) is tested against the real Qdrant the stack runs
// (test/integration/qdrant.test.ts), which also checks that this double answers the operations the
// fault tests use the way the real server does.
//
// Every request is checked against Qdrant's published OpenAPI document
// (test/fixtures/qdrant-openapi.json): the path must be a known operation, query parameters must
// match their schemas and the JSON body must validate against the operation's request schema. Anything
// else is recorded in `violations` and answered 400/404, so a test fails on it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import AjvModule from 'ajv';
import type { ValidateFunction } from 'ajv';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const spec = JSON.parse(readFileSync(new URL('../fixtures/qdrant-openapi.json', import.meta.url), 'utf8')) as Json;

/** OpenAPI 3.0 → JSON Schema: `nullable` becomes a null type, refs point into the one registered document. */
function toJsonSchema(s: Json): Json {
  if (Array.isArray(s)) return s.map(toJsonSchema);
  if (!s || typeof s !== 'object') return s;
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'nullable' || k === 'example' || k === 'deprecated' || k === 'x-leadwire-pruned') continue;
    if (k === '$ref') out.$ref = `qdrant${v as string}`;
    else out[k] = toJsonSchema(v);
  }
  if (s.nullable === true) {
    // `{ nullable: true }` alone (an anyOf branch) means "null"; with a type it adds null to it.
    if (out.type === undefined && out.$ref === undefined && out.anyOf === undefined) return { type: 'null' };
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.$ref || out.anyOf) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// ajv is CommonJS: under NodeNext the class is the default export's `default`.
const Ajv = AjvModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
for (const f of ['uint', 'uint32', 'uint64']) ajv.addFormat(f, { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
for (const f of ['float', 'double']) ajv.addFormat(f, { type: 'number', validate: (n: number) => Number.isFinite(n) });
ajv.addFormat('uuid', UUID);
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
ajv.addSchema({ $id: 'qdrant', components: toJsonSchema(spec.components) });

interface Operation { method: string; template: string; re: RegExp; operationId: string; body?: ValidateFunction; query: Map<string, ValidateFunction> }

const operations: Operation[] = [];
for (const [template, methods] of Object.entries(spec.paths as Record<string, Record<string, Json>>)) {
  const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
  for (const [method, op] of Object.entries(methods)) {
    const bodySchema = op.requestBody?.content?.['application/json']?.schema;
    const query = new Map<string, ValidateFunction>();
    for (const p of op.parameters ?? []) if (p.in === 'query') query.set(p.name, ajv.compile(toJsonSchema(p.schema)));
    operations.push({ method: method.toUpperCase(), template, re, operationId: op.operationId, ...(bodySchema ? { body: ajv.compile(toJsonSchema(bodySchema)) } : {}), query });
  }
}

export interface RecordedRequest { method: string; path: string; operationId: string | null; body: unknown }

interface Point { id: string; vector: number[]; payload: Record<string, unknown> }
interface Collection { size: number; distance: string; points: Map<string, Point>; indexes: Map<string, unknown> }

export interface FakeQdrant {
  url: string;
  requests: RecordedRequest[];
  /** Requests that did not match the published schema (must stay empty). */
  violations: string[];
  collections: Map<string, Collection>;
  /** The next `n` requests fail with `status` (retry tests). */
  failNext(n: number, status: number): void;
  /** The next `n` requests get no answer for `ms` (timeout tests); the connection is then closed. */
  hangNext(n: number, ms: number): void;
  close(): Promise<void>;
}

function queryValue(raw: string): unknown {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?\d+$/.test(raw)) return Number(raw);
  return raw;
}

const conditions = (c: Json): Json[] => (c === undefined || c === null ? [] : Array.isArray(c) ? c : [c]);

function matches(p: Point, f: Json | undefined | null): boolean {
  if (!f) return true;
  const test = (c: Json): boolean => {
    if (c.must || c.should || c.must_not) return matches(p, c);
    const v = p.payload[c.key];
    if (c.match) {
      if ('value' in c.match) return v === c.match.value;
      if ('any' in c.match) return (c.match.any as unknown[]).includes(v);
    }
    if (c.range) {
      if (typeof v !== 'number') return false;
      const r = c.range;
      return (r.gte == null || v >= r.gte) && (r.gt == null || v > r.gt) && (r.lte == null || v <= r.lte) && (r.lt == null || v < r.lt);
    }
    throw new Error(`fake Qdrant does not evaluate condition ${JSON.stringify(c)}`);
  };
  const must = conditions(f.must);
  const should = conditions(f.should);
  const mustNot = conditions(f.must_not);
  return must.every(test) && (should.length === 0 || should.some(test)) && !mustNot.some(test);
}

function cosine(a: number[], b: number[]): number {
  let d = 0; let na = 0; let nb = 0;
  for (let i = 0; i < a.length; i++) { d += a[i]! * b[i]!; na += a[i]! * a[i]!; nb += b[i]! * b[i]!; }
  return na && nb ? d / Math.sqrt(na * nb) : 0;
}

/** Qdrant's point id order: integer ids first (numerically), then UUIDs as 128-bit numbers. */
function compareIds(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na !== nb) return na ? -1 : 1;
  if (na) return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
  const ha = a.replace(/-/g, '').toLowerCase();
  const hb = b.replace(/-/g, '').toLowerCase();
  return ha < hb ? -1 : ha > hb ? 1 : 0;
}

/** Ids go back as Qdrant sends them: integers as numbers, UUIDs as strings. */
const wireId = (id: string): string | number => (/^\d+$/.test(id) ? Number(id) : id);

function selectPayload(payload: Record<string, unknown>, withPayload: Json): Record<string, unknown> | null {
  if (withPayload === true) return payload;
  if (Array.isArray(withPayload)) return Object.fromEntries(withPayload.filter((k: string) => k in payload).map((k: string) => [k, payload[k]]));
  return null;
}

export async function startFakeQdrant(): Promise<FakeQdrant> {
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const collections = new Map<string, Collection>();
  let failures: { n: number; status: number } = { n: 0, status: 500 };
  let hangs: { n: number; ms: number } = { n: 0, ms: 0 };
  const started = Date.now();

  const send = (res: ServerResponse, status: number, result: unknown, error?: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    const time = (Date.now() - started) / 1e6;
    res.end(JSON.stringify(error ? { status: { error }, time } : { result, status: 'ok', time }));
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const op = operations.find((o) => o.method === method && o.re.test(url.pathname));
    let body: Json;
    try { body = raw ? JSON.parse(raw) : undefined; } catch { body = raw; }
    requests.push({ method, path: url.pathname + url.search, operationId: op?.operationId ?? null, body });
    if (!op) {
      violations.push(`${method} ${url.pathname}: no such operation in Qdrant's OpenAPI`);
      return send(res, 404, null, 'unknown operation');
    }
    const problems: string[] = [];
    for (const [name, value] of url.searchParams) {
      const v = op.query.get(name);
      if (!v) problems.push(`unknown query parameter ${name}`);
      else if (!v(queryValue(value))) problems.push(`query ${name}=${value}: ${ajv.errorsText(v.errors)}`);
    }
    if (op.body) {
      if (body === undefined) problems.push('missing JSON body');
      else if (!op.body(body)) problems.push(`body: ${ajv.errorsText(op.body.errors, { dataVar: 'body' })}`);
    } else if (raw) problems.push('unexpected body');
    if (problems.length) {
      violations.push(`${method} ${url.pathname} (${op.operationId}): ${problems.join('; ')}`);
      return send(res, 400, null, `Validation error: ${problems.join('; ')}`);
    }
    if (hangs.n > 0) {
      hangs.n--;
      await new Promise((r) => setTimeout(r, hangs.ms));
      res.destroy();
      return;
    }
    if (failures.n > 0) { failures.n--; return send(res, failures.status, null, 'injected failure'); }

    const name = decodeURIComponent(op.re.exec(url.pathname)![1]!);
    const col = collections.get(name);
    const missing = () => send(res, 404, null, `Not found: Collection \`${name}\` doesn't exist!`);
    switch (op.operationId) {
      case 'collection_exists': return send(res, 200, { exists: !!col });
      case 'get_collection':
        if (!col) return missing();
        return send(res, 200, {
          status: 'green', optimizer_status: 'ok', segments_count: 1, points_count: col.points.size, indexed_vectors_count: 0,
          config: { params: { vectors: { size: col.size, distance: col.distance } }, hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10_000 }, optimizer_config: { deleted_threshold: 0.2, vacuum_min_vector_number: 1000, default_segment_number: 0, flush_interval_sec: 5 } },
          payload_schema: Object.fromEntries([...col.indexes].map(([k, t]) => [k, { data_type: t, points: col.points.size }])),
        });
      case 'create_collection':
        if (col) return send(res, 409, null, `Wrong input: Collection \`${name}\` already exists!`);
        collections.set(name, { size: body.vectors.size, distance: body.vectors.distance, points: new Map(), indexes: new Map() });
        return send(res, 200, true);
      case 'delete_collection': return send(res, 200, collections.delete(name));
      case 'create_field_index':
        if (!col) return missing();
        col.indexes.set(body.field_name, body.field_schema);
        return send(res, 200, { operation_id: 0, status: 'completed' });
      case 'upsert_points':
        if (!col) return missing();
        for (const p of body.points as Point[]) {
          if (p.vector.length !== col.size) return send(res, 400, null, `Wrong input: Vector dimension error: expected dim: ${col.size}, got ${p.vector.length}`);
        }
        for (const p of body.points as Point[]) col.points.set(String(p.id), { id: String(p.id), vector: p.vector, payload: { ...(p.payload ?? {}) } });
        return send(res, 200, { operation_id: 0, status: url.searchParams.get('wait') === 'true' ? 'completed' : 'acknowledged' });
      case 'delete_points':
        if (!col) return missing();
        if (body.points) for (const id of body.points) col.points.delete(String(id));
        else for (const p of [...col.points.values()]) if (matches(p, body.filter)) col.points.delete(p.id);
        return send(res, 200, { operation_id: 0, status: 'completed' });
      case 'set_payload':
        if (!col) return missing();
        for (const p of col.points.values()) {
          if ((body.points && body.points.map(String).includes(p.id)) || (body.filter && matches(p, body.filter))) Object.assign(p.payload, body.payload);
        }
        return send(res, 200, { operation_id: 0, status: 'completed' });
      case 'query_points': {
        if (!col) return missing();
        const q = body.query as number[];
        const scored = [...col.points.values()].filter((p) => matches(p, body.filter))
          .map((p) => ({ id: wireId(p.id), version: 0, score: cosine(q, p.vector), payload: selectPayload(p.payload, body.with_payload) }))
          .sort((a, b) => b.score - a.score)
          .slice(body.offset ?? 0, (body.offset ?? 0) + (body.limit ?? 10));
        return send(res, 200, { points: scored });
      }
      case 'count_points':
        if (!col) return missing();
        return send(res, 200, { count: [...col.points.values()].filter((p) => matches(p, body.filter)).length });
      case 'scroll_points': {
        if (!col) return missing();
        // Qdrant scrolls in id order; `offset` is the first id of the page (inclusive), as next_page_offset hands it back.
        const all = [...col.points.values()].filter((p) => matches(p, body.filter)).sort((a, b) => compareIds(a.id, b.id));
        const from = body.offset == null ? 0 : all.findIndex((p) => compareIds(p.id, String(body.offset)) >= 0);
        const rest = from < 0 ? [] : all.slice(from);
        const page = rest.slice(0, body.limit ?? 10);
        return send(res, 200, { points: page.map((p) => ({ id: wireId(p.id), payload: selectPayload(p.payload, body.with_payload ?? true) })), next_page_offset: rest[page.length] ? wireId(rest[page.length]!.id) : null });
      }
      default:
        violations.push(`${op.operationId}: in the schema subset but not answered by the fake`);
        return send(res, 501, null, 'not implemented by the fake');
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => { violations.push(`fake crashed: ${err.message}`); send(res, 500, null, err.message); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests, violations, collections,
    failNext(n, status) { failures = { n, status }; },
    hangNext(n, ms) { hangs = { n, ms }; },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
