import { describe, expect, it } from 'vitest';
import { cleanText, decodeEntities, truncate } from '../../../src/processors/normalize/clean-text.js';

const clean = (s: string, max = 20_000) => cleanText(s, max).text;

describe('cleanText', () => {
  it('applies NFKC (full-width digits, ligatures)', () => {
    expect(clean('ｐｒｅｃｉｏ ３００ ﬁnal')).toBe('precio 300 final');
  });
  it('strips tags, script and style contents and comments', () => {
    expect(clean('<div><p>Hola <b>mundo</b></p><script type="text/javascript">var x = "<p>";</script><style>.a{}</style><!-- nota --></div>fin')).toBe('Hola mundo fin');
  });
  it('decodes named and numeric entities after stripping, so escaped markup stays text', () => {
    expect(clean('&lt;b&gt; &amp; &aacute;rbol &#241; &#x1F600; &bogus;')).toBe('<b> & árbol ñ 😀 &bogus;');
  });
  it('keeps things that only look like markup', () => {
    expect(clean('te quiero <3 y a < b > c')).toBe('te quiero <3 y a < b > c');
  });
  it('removes control and zero-width characters, keeps emoji sequences', () => {
    expect(clean('ho\u200bla\u0007 mun\u00addo \ufeff👩\u200d💻 👍🏽 ❤️')).toBe('hola mundo 👩\u200d💻 👍🏽 ❤️');
  });
  it('collapses all whitespace to single spaces', () => {
    expect(clean('  Hola\n\n\t  que\u00a0tal\u2003 \r\n')).toBe('Hola que tal');
  });
  it('truncates to maxChars without splitting a surrogate pair and flags it', () => {
    const r = cleanText(`${'a'.repeat(99)}😀 tail`, 100);
    expect(r).toEqual({ text: 'a'.repeat(99), truncated: true });
    expect(cleanText('short', 100)).toEqual({ text: 'short', truncated: false });
  });
  it('bounds the work on huge inputs', () => {
    const r = cleanText('<p>x</p> '.repeat(200_000), 1000);
    expect(r.truncated).toBe(true);
    expect(r.text.length).toBeLessThanOrEqual(1000);
  });
  it('truncate and decodeEntities behave at the edges', () => {
    expect(truncate('abc', 5)).toBe('abc');
    expect(decodeEntities('&#0;|&#xD800;|&#65;')).toBe('||A');
  });
});
