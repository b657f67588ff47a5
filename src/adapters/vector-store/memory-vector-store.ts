// The embedded mode's vector store: exact cosine search over every point, in
// one process. Vectors sit in one contiguous Float32Array (a row per point)
// so a scan over 100k points stays cache-friendly. With `file`, every write is
// appended to a JSONL log before the call resolves, so `leadwire start` leaves
// vectors that a later `leadwire search` (another process) reads.
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LeadwireError } from '../../core/errors.js';
import type { LeadLabel, ScoredPoint, VectorFilter, VectorPayload, VectorPoint, VectorStore } from '../../ports/vector-store.js';

export interface MemoryVectorStoreOptions {
  /** JSONL log to load at creation and append every write to. */
  file?: string;
  /**
   * A reader of another process's file (search): it never rewrites the file,
   * which would race with the writer's appends.
   */
  readOnly?: boolean;
}

type LogLine =
  | { op: 'dims'; dims: number }
  | { op: 'upsert'; id: string; v: string; p: VectorPayload }
  | { op: 'delete'; ids: string[] }
  | { op: 'delete_conversation'; c: string }
  | { op: 'payload'; c: string; patch: Partial<Pick<VectorPayload, 'tier' | 'label'>> };

const asSet = <T>(v: T | T[] | undefined): Set<T> | null => (v === undefined ? null : new Set(Array.isArray(v) ? v : [v]));

export function payloadMatches(p: VectorPayload, f: VectorFilter | undefined): boolean {
  if (!f) return true;
  if (f.conversationId !== undefined && p.conversation_id !== f.conversationId) return false;
  if (f.excludeConversationId !== undefined && p.conversation_id === f.excludeConversationId) return false;
  const tiers = asSet(f.tier);
  if (tiers && !tiers.has(p.tier)) return false;
  const langs = asSet(f.language);
  if (langs && !langs.has(p.language)) return false;
  const labels = asSet<LeadLabel>(f.label);
  if (labels && (p.label === null || !labels.has(p.label))) return false;
  if (f.lastMessageFrom !== undefined && !(p.last_message_at >= f.lastMessageFrom)) return false;
  return true;
}

function encodeVector(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

function decodeVector(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export interface MemoryVectorStore extends VectorStore {
  readonly size: number;
  /** Rewrites the log with only the live points (drops overwritten and deleted history). */
  compact(): Promise<void>;
}

export function createMemoryVectorStore(opts: MemoryVectorStoreOptions = {}): MemoryVectorStore {
  let dims = 0;
  let data = new Float32Array(0);
  let capacity = 0;
  const ids: Array<string | null> = [];
  const payloads: Array<VectorPayload | null> = [];
  const rowOf = new Map<string, number>();
  const free: number[] = [];
  let logLines = 0;
  let writes: Promise<void> = Promise.resolve();

  const setDims = (d: number) => {
    if (dims === 0) { dims = d; return; }
    if (d !== dims) throw new LeadwireError(`vector store holds ${dims}-dimensional vectors, got ${d}: use another collection/file for another model`, { kind: 'config', retriable: false });
  };

  const grow = () => {
    const next = Math.max(1024, capacity * 2);
    const bigger = new Float32Array(next * dims);
    bigger.set(data);
    data = bigger;
    capacity = next;
  };

  const put = (id: string, vec: ArrayLike<number>, payload: VectorPayload) => {
    let row = rowOf.get(id);
    if (row === undefined) {
      row = free.pop() ?? ids.length;
      if (row === ids.length) { ids.push(null); payloads.push(null); }
      if (row >= capacity) grow();
      rowOf.set(id, row);
      ids[row] = id;
    }
    // Stored as given after normalising, so cosine is a dot product.
    let norm = 0;
    for (let i = 0; i < dims; i++) norm += vec[i]! * vec[i]!;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const off = row * dims;
    for (let i = 0; i < dims; i++) data[off + i] = vec[i]! * inv;
    payloads[row] = payload;
  };

  const remove = (id: string) => {
    const row = rowOf.get(id);
    if (row === undefined) return;
    rowOf.delete(id);
    ids[row] = null;
    payloads[row] = null;
    free.push(row);
  };

  const rowsOfConversation = (c: string): number[] => {
    const rows: number[] = [];
    for (let r = 0; r < payloads.length; r++) if (payloads[r]?.conversation_id === c) rows.push(r);
    return rows;
  };

  const apply = (l: LogLine) => {
    switch (l.op) {
      case 'dims': setDims(l.dims); break;
      case 'upsert': put(l.id, decodeVector(l.v), l.p); break;
      case 'delete': for (const id of l.ids) remove(id); break;
      case 'delete_conversation': for (const r of rowsOfConversation(l.c)) remove(ids[r]!); break;
      case 'payload': for (const r of rowsOfConversation(l.c)) payloads[r] = { ...payloads[r]!, ...l.patch }; break;
    }
  };

  if (opts.file && existsSync(opts.file)) {
    // Scanned as bytes, line by line: the log can outgrow the longest string V8 allows.
    const buf = readFileSync(opts.file);
    for (let start = 0; start < buf.length;) {
      let end = buf.indexOf(0x0a, start);
      if (end < 0) end = buf.length;
      if (end > start) {
        // A writer killed mid-line leaves a torn last line: everything before it is intact.
        let parsed: LogLine | undefined;
        try { parsed = JSON.parse(buf.toString('utf8', start, end)) as LogLine; } catch { parsed = undefined; }
        if (parsed) { apply(parsed); logLines++; }
      }
      start = end + 1;
    }
    // Replays overwrite points, so the log grows faster than the store: rewrite it
    // as one line per live point when most of it is history.
    if (!opts.readOnly && logLines > 2 * rowOf.size + 1000) {
      const lines: string[] = [JSON.stringify({ op: 'dims', dims })];
      for (const [id, row] of rowOf) lines.push(JSON.stringify({ op: 'upsert', id, v: encodeVector(data.subarray(row * dims, row * dims + dims)), p: payloads[row] }));
      writeFileSync(`${opts.file}.compact`, `${lines.join('\n')}\n`);
      renameSync(`${opts.file}.compact`, opts.file);
      logLines = lines.length;
    }
  }

  const log = (lines: LogLine[]): Promise<void> => {
    if (!opts.file || lines.length === 0 || opts.readOnly) return Promise.resolve();
    const file = opts.file;
    const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
    logLines += lines.length;
    // Serialised so lines never interleave; the caller resolves only once its lines are written.
    const done = writes.then(async () => {
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, text);
    });
    writes = done.catch(() => undefined);
    return done;
  };

  const live = () => rowOf.size;

  const store: MemoryVectorStore = {
    kind: 'memory',
    get size() { return live(); },

    async ensureCollection(dimensions) {
      const had = dims;
      setDims(dimensions);
      if (had === 0) await log([{ op: 'dims', dims: dimensions }]);
    },

    async upsert(points: VectorPoint[]) {
      if (points.length === 0) return;
      for (const p of points) if (dims === 0) await store.ensureCollection(p.vector.length); else setDims(p.vector.length);
      for (const p of points) put(p.id, p.vector, p.payload);
      await log(points.map((p) => {
        const row = rowOf.get(p.id)!;
        return { op: 'upsert' as const, id: p.id, v: encodeVector(data.subarray(row * dims, row * dims + dims)), p: p.payload };
      }));
    },

    async deletePoints(list) {
      const known = list.filter((id) => rowOf.has(id));
      for (const id of known) remove(id);
      await log(known.length ? [{ op: 'delete', ids: known }] : []);
    },

    async deleteConversation(c) {
      const rows = rowsOfConversation(c);
      for (const r of rows) remove(ids[r]!);
      await log(rows.length ? [{ op: 'delete_conversation', c }] : []);
    },

    async setConversationPayload(c, patch) {
      const rows = rowsOfConversation(c);
      for (const r of rows) payloads[r] = { ...payloads[r]!, ...patch };
      await log(rows.length ? [{ op: 'payload', c, patch }] : []);
    },

    async labelOf(c) {
      for (const p of payloads) if (p?.conversation_id === c) return p.label ?? null;
      return null;
    },

    async search(vector, { limit, filter }) {
      if (dims === 0 || limit <= 0) return [];
      setDims(vector.length);
      let qn = 0;
      for (let i = 0; i < dims; i++) qn += vector[i]! * vector[i]!;
      if (qn === 0) return [];
      const q = new Float32Array(dims);
      const inv = 1 / Math.sqrt(qn);
      for (let i = 0; i < dims; i++) q[i] = vector[i]! * inv;
      // Top-k kept sorted descending; k is small next to the number of points.
      const topRows: number[] = [];
      const topScores: number[] = [];
      const rows = payloads.length;
      const d4 = dims - (dims % 4);
      for (let r = 0; r < rows; r++) {
        const p = payloads[r];
        if (!p || (filter && !payloadMatches(p, filter))) continue;
        // Four accumulators: independent additions the CPU can overlap.
        let s0 = 0; let s1 = 0; let s2 = 0; let s3 = 0;
        const off = r * dims;
        let i = 0;
        for (; i < d4; i += 4) {
          s0 += data[off + i]! * q[i]!;
          s1 += data[off + i + 1]! * q[i + 1]!;
          s2 += data[off + i + 2]! * q[i + 2]!;
          s3 += data[off + i + 3]! * q[i + 3]!;
        }
        for (; i < dims; i++) s0 += data[off + i]! * q[i]!;
        const s = s0 + s1 + s2 + s3;
        if (topScores.length === limit && s <= topScores[limit - 1]!) continue;
        let at = topScores.length;
        while (at > 0 && topScores[at - 1]! < s) at--;
        topScores.splice(at, 0, s);
        topRows.splice(at, 0, r);
        if (topScores.length > limit) { topScores.pop(); topRows.pop(); }
      }
      return topRows.map((r, i) => ({ id: ids[r]!, score: topScores[i]!, payload: { ...payloads[r]! } }));
    },

    async count(filter) {
      let n = 0;
      for (const p of payloads) if (p && payloadMatches(p, filter)) n++;
      return n;
    },

    async compact() {
      if (!opts.file || opts.readOnly) return;
      const file = opts.file;
      await writes;
      const lines: string[] = [];
      if (dims) lines.push(JSON.stringify({ op: 'dims', dims }));
      for (const [id, row] of rowOf) lines.push(JSON.stringify({ op: 'upsert', id, v: encodeVector(data.subarray(row * dims, row * dims + dims)), p: payloads[row] }));
      await mkdir(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, lines.length ? lines.join('\n') + '\n' : '');
      await rename(tmp, file);
      logLines = lines.length;
    },

    async close() {
      await writes;
      // History (overwrites from replays) grows the log; fold it when it is mostly dead lines.
      if (opts.file && logLines > 2 * live() + 1000) await store.compact();
    },
  };
  return store;
}
