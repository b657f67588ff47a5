import { describe, expect, it } from 'vitest';
import { chunkTranscript, type ChunkMessage } from '../../../src/processors/embed/chunk-transcript.js';

const msg = (id: string, body: string, role = 'customer'): ChunkMessage => ({ id, role, body, createdAt: Number(id) });
const opts = { roles: new Set(['customer']), maxChars: 30, overlapMessages: 1 };

describe('chunkTranscript', () => {
  it('keeps a short conversation in one chunk, embedded roles only', () => {
    const chunks = chunkTranscript([msg('1', 'hola'), msg('2', 'buen día', 'agent'), msg('3', 'precio?')], opts);
    expect(chunks).toEqual([{ index: 0, text: 'hola\nprecio?', messageIds: ['1', '3'] }]);
  });

  it('splits by message boundaries within the budget, repeating the overlap', () => {
    const ms = ['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc', 'dddddddddd', 'eeeeeeeeee'].map((b, i) => msg(String(i + 1), b));
    const chunks = chunkTranscript(ms, opts);
    expect(chunks.map((c) => c.messageIds)).toEqual([['1', '2'], ['2', '3'], ['3', '4'], ['4', '5']]);
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(30);
    const noOverlap = chunkTranscript(ms, { ...opts, overlapMessages: 0 });
    expect(noOverlap.map((c) => c.messageIds)).toEqual([['1', '2'], ['3', '4'], ['5']]);
  });

  it('cuts a message longer than the budget at whitespace', () => {
    const long = msg('1', 'palabra '.repeat(10).trim());
    const chunks = chunkTranscript([long], { ...opts, overlapMessages: 0 });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.text.length <= 30 && !c.text.startsWith(' '))).toBe(true);
    expect(chunks.map((c) => c.text).join(' ')).toBe(long.body);
  });

  it('ends even when the overlap is as large as a chunk', () => {
    const ms = Array.from({ length: 6 }, (_, i) => msg(String(i), 'x'.repeat(14)));
    const chunks = chunkTranscript(ms, { ...opts, overlapMessages: 5 });
    expect(chunks.at(-1)!.messageIds).toContain('5');
    expect(chunks.length).toBeLessThanOrEqual(6);
  });

  it('returns no chunk when nothing is left to embed', () => {
    expect(chunkTranscript([msg('1', 'hola', 'agent'), msg('2', '   ')], opts)).toEqual([]);
  });
});
