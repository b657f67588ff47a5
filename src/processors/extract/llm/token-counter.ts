// Counts tokens the way the endpoint bills them (js-tiktoken, pure JS). The
// rank tables are a few MB, so they load on first use, once per process.
import { Tiktoken } from 'js-tiktoken/lite';

export type TokenEncoding = 'o200k_base' | 'cl100k_base';

export interface TokenCounter {
  readonly encoding: TokenEncoding;
  count(text: string): number;
  /** The longest prefix of text with at most `max` tokens. */
  truncate(text: string, max: number): string;
}

const loaded = new Map<TokenEncoding, Promise<TokenCounter>>();

async function load(encoding: TokenEncoding): Promise<TokenCounter> {
  const ranks = encoding === 'o200k_base'
    ? (await import('js-tiktoken/ranks/o200k_base')).default
    : (await import('js-tiktoken/ranks/cl100k_base')).default;
  const enc = new Tiktoken(ranks);
  return {
    encoding,
    count: (text) => enc.encode(text).length,
    truncate(text, max) {
      const toks = enc.encode(text);
      return toks.length <= max ? text : enc.decode(toks.slice(0, Math.max(0, max)));
    },
  };
}

export function loadTokenCounter(encoding: TokenEncoding = 'o200k_base'): Promise<TokenCounter> {
  let p = loaded.get(encoding);
  if (!p) { p = load(encoding); loaded.set(encoding, p); }
  return p;
}
