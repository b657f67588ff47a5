// Splits a conversation into chunks a model can take: whole messages packed
// up to a character budget, the last few messages of one chunk repeated at the
// start of the next so a request and its answer are never only apart.

export interface ChunkMessage {
  id: string;
  role: string;
  body: string;
  createdAt: number;
}

export interface Chunk {
  index: number;
  text: string;
  messageIds: string[];
}

export interface ChunkOptions {
  roles: ReadonlySet<string>;
  maxChars: number;
  overlapMessages: number;
}

/** Cuts one over-long message at whitespace near the budget (or hard, when it has none). */
function splitLong(m: ChunkMessage, maxChars: number): ChunkMessage[] {
  const parts: ChunkMessage[] = [];
  let rest = m.body;
  while (rest.length > maxChars) {
    let cut = rest.lastIndexOf(' ', maxChars);
    if (cut < maxChars / 2) cut = maxChars;
    parts.push({ ...m, body: rest.slice(0, cut).trim() });
    rest = rest.slice(cut).trim();
  }
  if (rest) parts.push({ ...m, body: rest });
  return parts;
}

export function chunkTranscript(transcript: readonly ChunkMessage[], opts: ChunkOptions): Chunk[] {
  const msgs: ChunkMessage[] = [];
  for (const m of transcript) {
    if (!opts.roles.has(m.role)) continue;
    const body = m.body.trim();
    if (!body) continue;
    msgs.push(...splitLong({ ...m, body }, opts.maxChars));
  }
  const chunks: Chunk[] = [];
  let start = 0;
  while (start < msgs.length) {
    let end = start;
    let chars = 0;
    // At least one message per chunk; then whole messages while they fit (one newline between).
    while (end < msgs.length && (end === start || chars + 1 + msgs[end]!.body.length <= opts.maxChars)) {
      chars += (end === start ? 0 : 1) + msgs[end]!.body.length;
      end++;
    }
    const part = msgs.slice(start, end);
    chunks.push({ index: chunks.length, text: part.map((m) => m.body).join('\n'), messageIds: [...new Set(part.map((m) => m.id))] });
    if (end >= msgs.length) break;
    start = Math.max(start + 1, end - opts.overlapMessages);
  }
  return chunks;
}
