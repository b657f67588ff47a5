// Grammar rules: patterns over tokens instead of characters.
//
//   @acquire          a token of the lexicon class `acquire` (any inflection)
//   @acquire!past     ... that is not a past form ("ordered" is servicing, "order" may be buying)
//   @contact+enclitic ... that also has the tag `enclitic` ("llámame": a pronoun attached)
//   !x                not followed by x (zero width): "@offer !@servicing"
//   want              the word itself (folded: "want", "quiero"; "i'd" is written "id")
//   _                 any one word
//   ..3               up to three words (never across a comma or a sentence end)
//   ~8                up to eight words or commas (a list of details), never across a sentence end
//   <q>               a question mark (¿ or ?)
//   (a|b c|@x)        alternatives; `x?` or `(...)?` optional
//   {num}             a number
//   ^  $              start / end of a clause (message start or end, sentence mark, comma)
//   ,                 a comma
//
// A message is encoded once as "word#tag#tag word#tag , word | ..." and each
// rule compiles to one regular expression over that string, so matching a rule
// costs one regex scan however many classes it names.
import { configError } from '../../../core/errors.js';
import { BUILTIN_TAGS, classTag, foldWord, type Lexicon } from './lexicon.js';
import type { StemLanguage } from './stem.js';
import type { Token } from './tokenize.js';

interface Node { re: string; requires: string[][] }

const wordKey = (w: string) => `w:${w}`;

export interface EncodedMessage {
  tokens: Token[];
  /** Every tag and `w:word` of the message, for `mayMatch`. */
  keys: Set<string>;
  /** Tokens joined by spaces, each followed by one space. */
  encoded: string;
  /** Offset of each token in `encoded`. */
  offsets: number[];
}

export function encodeTokens(tokens: Token[], lexicon: Lexicon): EncodedMessage {
  const offsets: number[] = [];
  const keys = new Set<string>();
  let encoded = '';
  for (const t of tokens) {
    offsets.push(encoded.length);
    const tags = lexicon.tags(t);
    keys.add(wordKey(t.text));
    for (const tag of tags) keys.add(tag);
    encoded += (tags.length ? `${t.text}#${tags.join('#')}` : t.text) + ' ';
  }
  return { tokens, keys, encoded, offsets };
}

// A word token: anything but a comma or a sentence end (`|`, `|?`).
const TOKEN = String.raw`(?![,|])[^ ]+ `;
const TOKEN_OR_COMMA = String.raw`(?!\|)[^ ]+ `;
const hasTag = (tag: string) => String.raw`(?=[^ ]*#${tag}[# ])`;
const lacksTag = (tag: string) => String.raw`(?![^ ]*#${tag}[# ])`;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

class Parser {
  private i = 0;
  constructor(private readonly src: string, private readonly known: (cls: string) => boolean, private readonly where: string, private readonly lang: StemLanguage) {}

  /** A lexicon class as seen by a rule of this language; built-in tags have no language. */
  private tag(cls: string): string {
    return (BUILTIN_TAGS as readonly string[]).includes(cls) ? cls : classTag(cls, this.lang);
  }

  fail(msg: string): never {
    throw configError(`Invalid signal catalog: ${this.where}: rule '${this.src}': ${msg}`);
  }

  parse(): Node {
    const node = this.alternatives();
    if (this.i < this.src.length) this.fail(`unexpected '${this.src[this.i]}' at ${this.i}`);
    return node;
  }

  private alternatives(): Node {
    const alts = [this.sequence()];
    while (this.src[this.i] === '|') { this.i++; alts.push(this.sequence()); }
    if (alts.length === 1) return alts[0]!;
    // Some alternative must match: its first required key, whichever it is.
    const firsts = alts.map((a) => a.requires[0]);
    const any = firsts.every((f) => f !== undefined) ? [...new Set(firsts.flat() as string[])] : null;
    return { re: `(?:${alts.map((a) => a.re).join('|')})`, requires: any ? [any] : [] };
  }

  private sequence(): Node {
    let re = '';
    const requires: string[][] = [];
    let items = 0;
    for (;;) {
      while (this.src[this.i] === ' ') this.i++;
      const c = this.src[this.i];
      if (c === undefined || c === '|' || c === ')') break;
      if (c === '!') {
        this.i++;
        re += `(?!${this.atom().re})`;
        continue;
      }
      const atom = this.atom();
      if (this.src[this.i] === '?') { this.i++; re += `(?:${atom.re})?`; } else { re += atom.re; requires.push(...atom.requires); }
      items++;
    }
    if (items === 0) this.fail('empty sequence');
    return { re, requires };
  }

  private atom(): Node {
    const c = this.src[this.i]!;
    const plain = (re: string): Node => ({ re, requires: [] });
    if (c === '(') {
      this.i++;
      const inner = this.alternatives();
      if (this.src[this.i] !== ')') this.fail('missing )');
      this.i++;
      return { re: `(?:${inner.re})`, requires: inner.requires };
    }
    if (c === '^') { this.i++; return plain(String.raw`(?:^|(?<=(?:\|\??|,) ))`); }
    if (c === '$') { this.i++; return plain(String.raw`(?=$|[|,])`); }
    if (this.src.startsWith('<q>', this.i)) { this.i += 3; return plain(String.raw`\|\? `); }
    if (c === '~') {
      const m = /^~(\d{1,2})/.exec(this.src.slice(this.i));
      if (!m) this.fail(`'~' needs a count at ${this.i}`);
      this.i += m[0].length;
      return plain(`(?:${TOKEN_OR_COMMA}){0,${m[1]}}?`);
    }
    if (c === ',') { this.i++; return plain(', '); }
    if (c === '_') { this.i++; return plain(TOKEN); }
    if (this.src.startsWith('..', this.i)) {
      const m = /^\.\.(\d)/.exec(this.src.slice(this.i));
      if (!m) this.fail(`'..' needs a count 1-9 at ${this.i}`);
      this.i += m[0].length;
      return plain(`(?:${TOKEN}){0,${m[1]}}?`);
    }
    if (this.src.startsWith('{num}', this.i)) { this.i += 5; return { re: `${hasTag('num')}${TOKEN}`, requires: [['num']] }; }
    if (c === '@') {
      const m = /^@([a-z][a-z0-9_]*)((?:[!+][a-z][a-z0-9_]*)*)/.exec(this.src.slice(this.i));
      if (!m) this.fail(`bad class reference at ${this.i}`);
      this.i += m[0].length;
      const mods = [...(m[2] ?? '').matchAll(/([!+])([a-z][a-z0-9_]*)/g)].map((x) => ({ not: x[1] === '!', cls: x[2]! }));
      for (const cls of [m[1]!, ...mods.map((x) => x.cls)]) if (!this.known(cls)) this.fail(`unknown lexicon class '${cls}'`);
      const tag = this.tag(m[1]!);
      return { re: `${hasTag(tag)}${mods.map((x) => (x.not ? lacksTag(this.tag(x.cls)) : hasTag(this.tag(x.cls)))).join('')}${TOKEN}`, requires: [[tag]] };
    }
    const m = /^[\p{L}\p{N}'’]+/u.exec(this.src.slice(this.i));
    if (!m) this.fail(`unexpected '${c}' at ${this.i}`);
    this.i += m[0].length;
    const word = foldWord(m[0]);
    return { re: `${escapeRe(word)}(?:#[^ ]*)? `, requires: [[wordKey(word)]] };
  }
}

/** A rule as a regular expression, with what a message must contain for it to have a chance. */
export interface TokenPattern {
  regex: RegExp;
  /** Every inner list needs one of its keys among the message's (tags and `w:word`s). */
  requires: string[][];
}

/** Compiles one rule of language `lang`; `known` says which lexicon classes (and built-in tags) exist. */
export function compileTokenPattern(source: string, known: (cls: string) => boolean, where = 'catalog', lang: StemLanguage = 'en'): TokenPattern {
  const node = new Parser(source.trim(), known, where, lang).parse();
  return { regex: new RegExp(`(?<=^| )${node.re}`, 'g'), requires: node.requires };
}

/** Whether the message has what the rule needs: most rules are ruled out without running their regex. */
export function mayMatch(p: TokenPattern, msg: EncodedMessage): boolean {
  return p.requires.every((any) => any.some((k) => msg.keys.has(k)));
}

export interface TokenSpan {
  /** Token indices, end exclusive. */
  first: number;
  end: number;
}

/** Every non-overlapping match of `re` in the message, as token spans. */
export function matchTokens(re: RegExp, msg: EncodedMessage): TokenSpan[] {
  const out: TokenSpan[] = [];
  re.lastIndex = 0;
  for (const m of msg.encoded.matchAll(re)) {
    if (m[0].length === 0) continue;
    const first = tokenAt(msg.offsets, m.index);
    const last = tokenAt(msg.offsets, m.index + m[0].length - 1);
    out.push({ first, end: last + 1 });
  }
  return out;
}

function tokenAt(offsets: number[], pos: number): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= pos) lo = mid; else hi = mid - 1;
  }
  return lo;
}
