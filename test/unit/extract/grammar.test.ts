// The grammar under the catalog: tokens with their offsets, lexicon classes
// through the Snowball stemmers, and token patterns compiled to one regex each.
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../../src/processors/extract/catalog.js';
import { compileLexicon, withinOneEdit } from '../../../src/processors/extract/grammar/lexicon.js';
import { spanishCliticStems, stem } from '../../../src/processors/extract/grammar/stem.js';
import { compileTokenPattern, encodeTokens, matchTokens, mayMatch } from '../../../src/processors/extract/grammar/token-pattern.js';
import { tokenize } from '../../../src/processors/extract/grammar/tokenize.js';

const lex = compileLexicon({
  acquire: { en: ['buy', 'book', 'order', 'reserve', '=bought'], es: ['comprar', 'reservar', 'cotizar'] },
  want: { en: ['want', 'need', '=wanna'], es: ['querer', 'quiero', 'necesitar'] },
  offer: { en: ['flight', 'ticket', 'table'], es: ['maquina'] },
  contact: { es: ['llamar'] },
});
const known = (c: string) => lex.classes.has(c) || ['num', 'code', 'past', 'base', 'enclitic'].includes(c);
const rule = (src: string, lang: 'en' | 'es' = 'en') => compileTokenPattern(src, known, 'test', lang);
function quotes(src: string, text: string, lang: 'en' | 'es' = 'en'): string[] {
  const msg = encodeTokens(tokenize(text), lex);
  return matchTokens(rule(src, lang).regex, msg).map((s) => text.slice(msg.tokens[s.first]!.start, msg.tokens[s.end - 1]!.end));
}

describe('tokenize', () => {
  it('keeps the original offsets, folds accents and drops apostrophes', () => {
    const text = "I'd like a COTIZACIÓN, ¿sí?";
    const toks = tokenize(text);
    expect(toks.map((t) => t.text)).toEqual(['id', 'like', 'a', 'cotizacion', ',', '|?', 'si', '|?']);
    const w = toks.find((t) => t.text === 'cotizacion')!;
    expect(text.slice(w.start, w.end)).toBe('COTIZACIÓN');
    expect(toks.find((t) => t.text === 'si')!.accentedEnd).toBe(true);
  });

  it('numbers keep their separators; PII placeholders are one word each', () => {
    expect(tokenize('1.000 unidades a [phone]').map((t) => [t.kind, t.text])).toEqual([['num', '1.000'], ['word', 'unidades'], ['word', 'a'], ['word', 'pii_phone']]);
  });
});

describe('stems and the lexicon', () => {
  it('inflections share a stem through the Snowball stemmers', () => {
    expect(stem('booking', 'en')).toBe(stem('book', 'en'));
    expect(stem('reservarlo', 'es')).toBe(stem('reservar', 'es'));
    expect(spanishCliticStems('cotizame')).toContain(stem('cotizar', 'es'));
  });

  it('tags a token with the class and the language whose word it matched', () => {
    const tags = (w: string) => lex.tags(tokenize(w)[0]!);
    expect(tags('booked')).toEqual(expect.arrayContaining(['acquire~en', 'past']));
    expect(tags('compramos')).toContain('acquire~es');
    expect(tags('bought')).toEqual(expect.arrayContaining(['acquire~en', 'base']));
    expect(tags('llámame')).toEqual(expect.arrayContaining(['contact~es', 'enclitic']));
    expect(tags('compré')).toContain('past');
    expect(tags('00123842')).toEqual(['code', 'num']);
    expect(tags('125')).toEqual(['num']);
  });

  it('a long word one typo away from a listed word joins its class; a short real word does not', () => {
    const l2 = compileLexicon({ acquire: { en: ['purchase', 'order'] } });
    expect(l2.tags(tokenize('purchse')[0]!)).toContain('acquire~en');
    expect(l2.tags(tokenize('older')[0]!)).not.toContain('acquire~en');
    expect(withinOneEdit('acconut', 'account')).toBe(true);
    expect(withinOneEdit('lights', 'flight')).toBe(false);
  });

  it('rejects a phrase as a lexicon entry', () => {
    expect(() => compileLexicon({ x: { en: ['two words'] } })).toThrow(/not one word/);
  });
});

describe('token patterns', () => {
  it('classes, literals, optional items and gaps', () => {
    expect(quotes('@want to? @acquire!past', 'I really want to book a table')).toEqual(['want to book']);
    expect(quotes('@acquire!past ..3 @offer', 'book me two tickets please')).toEqual(['book me two tickets']);
    expect(quotes('@acquire!past ..3 @offer', 'I booked two tickets')).toEqual([]);
  });

  it('gaps never cross a comma or a sentence end; ~N crosses commas', () => {
    expect(quotes('@acquire ..3 @offer', 'book, the flight')).toEqual([]);
    expect(quotes('@acquire ~3 @offer', 'book, the flight')).toEqual(['book, the flight']);
    expect(quotes('@acquire ~3 @offer', 'book. the flight')).toEqual([]);
  });

  it('^ and $ mark a clause, <q> a question, !x is a zero-width refusal', () => {
    expect(quotes('^ @acquire', 'ok, order one')).toEqual(['order']);
    expect(quotes('^ @acquire', 'I order one')).toEqual([]);
    expect(quotes('@offer <q>', 'a table?')).toEqual(['table?']);
    expect(quotes('@acquire !@offer', 'book flight')).toEqual([]);
    expect(quotes('@acquire !@offer', 'book now')).toEqual(['book']);
  });

  it('a Spanish rule sees only the Spanish words of a class', () => {
    expect(quotes('@want @acquire', 'quiero comprar', 'es')).toEqual(['quiero comprar']);
    expect(quotes('@want @acquire', 'want buy', 'es')).toEqual([]);
  });

  it('a rule whose required tags are missing is ruled out before its regex runs', () => {
    const r = rule('@want to? @acquire');
    expect(mayMatch(r, encodeTokens(tokenize('I want it'), lex))).toBe(false);
    expect(mayMatch(r, encodeTokens(tokenize('I want to book'), lex))).toBe(true);
    expect(r.requires).toEqual([['want~en'], ['acquire~en']]);
  });

  it('bad rules fail at load with the rule and the reason', () => {
    expect(() => rule('@nope')).toThrow(/unknown lexicon class 'nope'/);
    expect(() => rule('(a|b')).toThrow(/missing \)/);
    expect(() => rule('a ..')).toThrow(/'..' needs a count/);
  });
});

describe('catalog v2 semantics', () => {
  const yaml = (body: string) => `id: t\nversion: 1\nlexicon:\n  acquire: { en: [buy] }\n${body}`;
  it('acts never score, agents only carry acts, answers and hedges name acts', () => {
    expect(() => parseCatalog(yaml('signals:\n  - { id: a, description: x, category: act, weight: 1, rules: { en: ["@acquire"] } }'))).toThrow(/an act never scores/);
    expect(() => parseCatalog(yaml('signals:\n  - { id: a, description: x, category: intent, weight: 4, role: agent, rules: { en: ["@acquire"] } }'))).toThrow(/agent messages only carry acts/);
    expect(() => parseCatalog(yaml('answers:\n  - { agent: [nope], customer: [nope], signal: nope }\nsignals:\n  - { id: a, description: x, category: intent, weight: 4, rules: { en: ["@acquire"] } }')))
      .toThrow(/agent 'nope' is not an agent act.*customer 'nope' is not a customer act.*signal 'nope' is not a scoring signal/);
    expect(() => parseCatalog(yaml('signals:\n  - { id: a, description: x, category: intent, weight: 4, unless: [ghost], rules: { en: ["@acquire"] } }'))).toThrow(/unless names 'ghost'/);
  });

  it('strength defaults from the weight and the qualified threshold; only intent has one', () => {
    const c = parseCatalog(yaml('tiers: { qualified: 3, nurturing: 1 }\nsignals:\n  - { id: a, description: x, category: intent, weight: 4, rules: { en: ["@acquire"] } }\n  - { id: b, description: x, category: intent, weight: 1, rules: { en: ["@acquire"] } }\n  - { id: c, description: x, category: fit, weight: 1, rules: { en: ["@acquire"] } }'));
    expect(['a', 'b', 'c'].map((id) => c.byId.get(id)!.strength)).toEqual(['strong', 'weak', null]);
  });
});
