// Decodes one value of the Debezium `wire_messages` topic into a typed change
// event, or says precisely why it cannot. Pure: bytes in, result out.
import { isUtf8 } from 'node:buffer';
import { isInteger, isSafeNumber, parse as parseLossless } from 'lossless-json';
import { BODY_CUT_KEY, validateEnvelope } from './envelope-schema.js';
import { TOAST_PLACEHOLDER, type DebeziumChange, type DebeziumOp, type DecodeFailure, type DecodeResult, type SourceInfo, type WireMessageRow } from './debezium-change.js';

export { TOAST_PLACEHOLDER, type DebeziumOp, type WireMessageRow, type SourceInfo, type DebeziumChange, type DecodeResult, type DecodeFailure };

// int64 columns arrive as JSON numbers. JSON.parse is exact below 2^53 (every
// integer of at most 15 digits); only when an id column of a row image holds an
// integer JSON.parse could not represent exactly do we re-parse the text with
// lossless-json (~4x slower) so the id is a bigint. Envelope fields such as
// ts_ns are always above 2^53 but are only read at millisecond precision, so
// they do not force the slow path.
const LONG_ID = /"(?:id|conversation_id|sendable_id|reply_id)"\s*:\s*-?\d{16}/;

const parseNumber = (text: string): number | bigint =>
  isSafeNumber(text) || !isInteger(text) ? Number(text) : BigInt(text);

/** JSON.parse, except that a document with a 16+ digit id anywhere is parsed losslessly (integers above 2^53 become bigints). */
export function parseJsonExact(text: string): unknown {
  return LONG_ID.test(text) ? parseLossless(text, null, parseNumber) : JSON.parse(text);
}

// ---------------------------------------------------------------------------
// Validation. Hand-written rather than a schema library: it runs on every
// record, and on hostile input building a schema library's issue objects and
// messages costs several times a good record. Rules (a plain object is any
// non-null, non-array object; unknown keys are ignored):
//   envelope  op ∈ c|u|r|d|t; before/after: row image, null or absent;
//             source: object (required); ts_ms: number|bigint, null or absent
//   row       id: integer id (required); conversation_id, sendable_id,
//             reply_id: integer id or null/absent; sendable_type, body, type:
//             string or null/absent; kept_at, deleted_at, created_at,
//             updated_at: readable timestamp or null/absent
//   integer id  a safe integer number, a bigint, or a string of 1–20 digits
//               with an optional minus sign
//   source    ts_ms: number|bigint; snapshot: string|boolean; table: string;
//             txId, lsn: number|bigint|string (all null or absent allowed)
// Every problem is reported as `path: what was expected, what was found`; the
// first one decides the reason (inside before/after: invalid_row).
// ---------------------------------------------------------------------------

// Cheap rejection before the JSON parse: whitespace JSON allows around a value,
// and the bytes a JSON text can start with.
const isJsonSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const BRACE_OPEN = 0x7b;
const BRACE_CLOSE = 0x7d;
/** First bytes of a JSON value other than an object: [ " - 0-9 t f n. */
const isJsonStart = (b: number) => b === 0x5b || b === 0x22 || b === 0x2d || (b >= 0x30 && b <= 0x39) || b === 0x74 || b === 0x66 || b === 0x6e;

function preview(bytes: Buffer, at: number): string {
  return JSON.stringify(bytes.subarray(at, at + 24).toString('utf8'));
}

export interface DecodeOptions {
  /**
   * When set, a `body` longer than this many UTF-16 units may be decoded only
   * in part: the row's `body` is then a prefix of at least `bodyChars + 1`
   * units and `bodyCut` is set. The rest of the text is still checked to be a
   * valid JSON string (so the decision valid / invalid_json is the same), but
   * never copied or decoded: a 1 MB body costs about what its first
   * 2 × bodyChars bytes do. Only values far larger than that are looked at.
   */
  bodyChars?: number;
}

/** Decodes the raw bytes of a non-null Debezium value. */
export function decodeDebeziumValue(bytes: Buffer, opts?: DecodeOptions): DecodeResult {
  if (!isUtf8(bytes)) return { ok: false, reason: 'invalid_utf8', message: 'value is not valid UTF-8' };
  let start = 0;
  let end = bytes.length;
  while (start < end && isJsonSpace(bytes[start]!)) start++;
  while (end > start && isJsonSpace(bytes[end - 1]!)) end--;
  if (start === end) return { ok: false, reason: 'invalid_json', message: bytes.length === 0 ? 'empty value' : 'value is only whitespace' };
  const first = bytes[start]!;
  if (first === BRACE_OPEN) {
    // An object that does not end with a brace cannot parse (typically cut short).
    if (bytes[end - 1] !== BRACE_CLOSE) {
      return { ok: false, reason: 'invalid_json', message: `JSON object not closed: value of ${bytes.length} bytes ends with ${preview(bytes, Math.max(start, end - 24))} (truncated?)` };
    }
    const keepChars = opts?.bodyChars;
    if (keepChars !== undefined && bytes.length > CUT_FACTOR * (keepChars + 2) + CUT_SLACK) {
      const cut = cutLongBodies(bytes, CUT_FACTOR * (keepChars + 2));
      if (cut) {
        const r = parseValue(cut);
        // Mostly multi-byte text can leave fewer units than asked for: decode the whole value then.
        if (!r.ok || shortCut(r.change, keepChars)) return parseValue(bytes);
        return r;
      }
    }
  } else if (!isJsonStart(first)) {
    return { ok: false, reason: 'invalid_json', message: `not JSON: value starts with ${preview(bytes, start)}` };
  }
  return parseValue(bytes);
}

function parseValue(bytes: Buffer): DecodeResult {
  let json: unknown;
  let text: string;
  try {
    text = bytes.toString('utf8');
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: 'invalid_json', message: (err as Error).message.slice(0, 200) };
  }
  if (hasInexactId(json)) {
    try {
      json = parseLossless(text, null, parseNumber);
    } catch (err) {
      return { ok: false, reason: 'invalid_json', message: (err as Error).message.slice(0, 200) };
    }
  }
  return decodeDebeziumJson(json);
}

// --- Decoding a huge body in part --------------------------------------------
// A `"body":"` whose quote is not escaped is, in valid JSON, the key of a row
// image's body with a string value (an unescaped quote always delimits a
// string, and a string followed by `body` is a syntax error). Its value is
// scanned with indexOf for quotes and backslashes; every escape is checked,
// and the part that is dropped is checked for raw control characters, so the
// value without that part is valid JSON exactly when the whole one is. The
// dropped part is replaced by a marker key next to the body
// (`"body":"<start>","\u0000bodyCut":N`) that the row validation reads.

/** Bytes kept per UTF-16 unit asked for: plain and accented text needs ≤ 2. */
const CUT_FACTOR = 2;
/** Values only this much larger than what would be kept are worth cutting. */
const CUT_SLACK = 64 * 1024;
/** The marker key (no column can be named with a NUL), and as JSON text. */
const BODY_CUT_JSON = JSON.stringify(BODY_CUT_KEY);
const BODY_KEY = Buffer.from('"body":"');
const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const isHex = (b: number) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);

/** The length of the escape at `i` (a backslash), or 0 when it is not a valid JSON escape. */
function escapeLength(bytes: Buffer, i: number): number {
  switch (bytes[i + 1]) {
    case 0x22: case 0x5c: case 0x2f: case 0x62: case 0x66: case 0x6e: case 0x72: case 0x74: return 2;
    case 0x75: return isHex(bytes[i + 2] ?? 0) && isHex(bytes[i + 3] ?? 0) && isHex(bytes[i + 4] ?? 0) && isHex(bytes[i + 5] ?? 0) ? 6 : 0;
    default: return 0;
  }
}

function hasControlByte(region: Buffer): boolean {
  for (let b = 0; b < 0x20; b++) if (region.indexOf(b) !== -1) return true;
  return false;
}

/**
 * The value with every body string longer than `keepBytes` cut to its first
 * `keepBytes` bytes (at a character boundary) and marked, or null when there
 * is nothing to cut or anything looks off (the whole value is parsed then,
 * and decides).
 */
function cutLongBodies(bytes: Buffer, keepBytes: number): Buffer | null {
  const pieces: Buffer[] = [];
  let from = 0;
  let k = bytes.indexOf(BODY_KEY, from);
  while (k !== -1) {
    let backslashes = 0;
    while (k - backslashes - 1 >= 0 && bytes[k - backslashes - 1] === BACKSLASH) backslashes++;
    const vs = k + BODY_KEY.length;
    if (backslashes % 2 === 1) { k = bytes.indexOf(BODY_KEY, vs); continue; }
    // The value's closing quote: the first quote that is not part of an escape.
    let p = vs;
    let cutAt = vs + keepBytes;
    let nextBackslash = bytes.indexOf(BACKSLASH, p);
    let ve = -1;
    for (;;) {
      const q = bytes.indexOf(QUOTE, p);
      if (q === -1) return null;
      if (nextBackslash !== -1 && nextBackslash < q) {
        const len = escapeLength(bytes, nextBackslash);
        if (len === 0) return null;
        if (nextBackslash < cutAt && cutAt < nextBackslash + len) cutAt = nextBackslash;
        p = nextBackslash + len;
        nextBackslash = bytes.indexOf(BACKSLASH, p);
        continue;
      }
      ve = q;
      break;
    }
    if (ve - vs > keepBytes) {
      // Back to the first byte of a UTF-8 sequence.
      while ((bytes[cutAt]! & 0xc0) === 0x80) cutAt--;
      if (hasControlByte(bytes.subarray(cutAt, ve))) return null;
      pieces.push(bytes.subarray(from, cutAt), Buffer.from(`",${BODY_CUT_JSON}:${ve - vs}`));
      from = ve + 1;
    }
    k = bytes.indexOf(BODY_KEY, ve + 1);
  }
  if (pieces.length === 0) return null;
  pieces.push(bytes.subarray(from));
  return Buffer.concat(pieces);
}

/** True when a cut body came out shorter than asked for (multi-byte text): the value is decoded whole instead. */
function shortCut(change: DebeziumChange | null, keepChars: number): boolean {
  for (const row of [change?.before, change?.after]) {
    if (row?.bodyCut !== undefined && (row.body?.length ?? 0) < keepChars + 2) return true;
  }
  return false;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInexact = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v);

function rowHasInexactId(row: unknown): boolean {
  if (!isPlainObject(row)) return false;
  return isInexact(row.id) || isInexact(row.conversation_id) || isInexact(row.sendable_id) || isInexact(row.reply_id);
}

/** True when JSON.parse rounded an id column of a row image (an integer above 2^53). */
function hasInexactId(json: unknown): boolean {
  if (!isPlainObject(json)) return false;
  const env = isPlainObject(json.payload) && 'schema' in json && !('op' in json) ? json.payload : json;
  return rowHasInexactId(env.after) || rowHasInexactId(env.before);
}

/** Validates an already-parsed value (plain envelope, or `{schema, payload}` when schemas.enable=true). */
export function decodeDebeziumJson(json: unknown): DecodeResult {
  let value = json;
  if (value && typeof value === 'object' && !Array.isArray(value) && 'payload' in value && 'schema' in value && !('op' in value)) {
    value = (value as { payload: unknown }).payload;
    if (value === null) return { ok: true, change: null };
  }
  return validateEnvelope(value);
}

/** The message id from a Debezium key (`{"id":123}` or `{"schema":..,"payload":{"id":123}}`), exact. */
export function messageIdFromKey(key: string | Buffer | null): string | null {
  if (key === null) return null;
  const text = typeof key === 'string' ? key : key.toString('utf8');
  const m = /"id"\s*:\s*"?(-?\d+)/.exec(text);
  return m ? m[1]! : null;
}
