import { describe, expect, it } from 'vitest';
import { loadCatalog, parseCatalog } from '../../../src/processors/extract/catalog.js';
import { detectSignalIds, detectSignals } from '../../../src/processors/extract/detect-signals.js';
import { parseNumber } from '../../../src/processors/extract/parse-number.js';

const catalog = loadCatalog('default');
const equipment = loadCatalog('equipment-manufacturer');
const ids = (text: string, lang = 'und', cat = catalog) => detectSignalIds(cat, text, lang);

describe('matching is accent- and case-insensitive', () => {
  it('matches with or without accents and in any case', () => {
    for (const t of ['Necesito una cotización', 'NECESITO UNA COTIZACION', 'necesito una cotizacion']) expect(ids(t, 'es')).toContain('asks_quote');
    expect(ids('¿CUÁNTO CUESTA?', 'es')).toContain('asks_price');
    expect(ids('cuanto cuesta', 'es')).toContain('asks_price');
    expect(ids('Can I get a QUOTE?', 'en')).toContain('asks_quote');
  });

  it('quotes the original text, accents and case included', () => {
    const text = 'Hola, ¿me envían una COTIZACIÓN?';
    const m = detectSignals(catalog, text, 'es').find((x) => x.signalId === 'asks_quote')!;
    expect(m.quote).toBe(text.slice(m.start, m.end));
    expect(m.quote).toContain('COTIZACIÓN');
  });
});

describe('word boundaries', () => {
  it('does not match inside longer words', () => {
    expect(ids('I love demographics', 'en')).not.toContain('asks_demo');
    expect(ids('Can I see a demo?', 'en')).toContain('asks_demo');
    expect(ids('quotes', 'en')).toContain('asks_quote');
    expect(ids('aprecio su ayuda', 'es')).not.toContain('asks_price');
    expect(ids('el precio', 'es')).toContain('asks_price');
    expect(ids('preciosa', 'es')).not.toContain('asks_price');
  });
});

describe('negation window', () => {
  it('Spanish negators before the match cancel it', () => {
    expect(ids('quiero comprar la máquina', 'es')).toContain('ready_to_buy');
    expect(ids('no quiero comprar la máquina', 'es')).not.toContain('ready_to_buy');
    expect(ids('no necesito una cotización', 'es')).not.toContain('asks_quote');
    expect(ids('nunca pedí una cotización', 'es')).not.toContain('asks_quote');
    expect(ids('tampoco quiero una demo', 'es')).not.toContain('asks_demo');
    expect(ids('sin cotización por ahora', 'es')).not.toContain('asks_quote');
    expect(ids('ni una llamada', 'es')).not.toContain('asks_call');
  });

  it('English negators before the match cancel it', () => {
    expect(ids("I don't need a quote", 'en')).not.toContain('asks_quote');
    expect(ids('I do not want a demo', 'en')).not.toContain('asks_demo');
    expect(ids('never call me again', 'en')).not.toContain('asks_call');
    expect(ids('without a quote', 'en')).not.toContain('asks_quote');
    expect(ids('I need a quote', 'en')).toContain('asks_quote');
  });

  it('a clause break or a word beyond the window ends the negation', () => {
    expect(ids('No, I want a quote', 'en')).toContain('asks_quote');
    expect(ids('no sé, pero quiero una cotización', 'es')).toContain('asks_quote');
    expect(ids('no problem at all my friend, send me a quote', 'en')).toContain('asks_quote');
  });

  it('disinterest itself fires (its patterns carry the negation)', () => {
    expect(ids('no necesito la máquina', 'es')).toContain('not_interested');
    expect(ids('no necesito la máquina', 'es')).not.toContain('ready_to_buy');
    expect(ids("I'm not interested, thanks", 'en')).toContain('not_interested');
  });
});

describe('number capture and thresholds', () => {
  it('parses chat number formats', () => {
    expect(parseNumber('500')).toBe(500);
    expect(parseNumber('1.000')).toBe(1000);
    expect(parseNumber('1,000')).toBe(1000);
    expect(parseNumber('1.000.000')).toBe(1_000_000);
    expect(parseNumber('1,5')).toBe(1.5);
    expect(parseNumber('2.5k')).toBe(2500);
    expect(parseNumber('2k')).toBe(2000);
    expect(parseNumber('2 mil')).toBe(2000);
    expect(parseNumber('mil')).toBe(1000);
    expect(parseNumber('1.000,50')).toBe(1000.5);
    expect(parseNumber('1,000.50')).toBe(1000.5);
    expect(parseNumber('3 thousand')).toBe(3000);
    expect(parseNumber('abc')).toBeNull();
  });

  it('volume fires at or above 500 units in every format and carries the value', () => {
    const cases: Array<[string, number]> = [
      ['producimos 500 unidades al día', 500], ['hacemos 1.000 panes diarios', 1000], ['we make 1,000 units a day', 1000],
      ['unas 2k piezas por semana', 2000], ['mil unidades al mes', 1000], ['2 mil unidades', 2000],
    ];
    for (const [text, value] of cases) {
      const m = detectSignals(equipment, text, 'und').find((x) => x.signalId === 'volume');
      expect(m, text).toBeDefined();
      expect(m!.value, text).toBe(value);
    }
  });

  it('volume does not fire below the threshold', () => {
    expect(ids('producimos 200 unidades al día', 'es', equipment)).not.toContain('volume');
    expect(ids('we make 499 units', 'en', equipment)).not.toContain('volume');
  });

  it('a custom threshold in a catalog applies', () => {
    const cat = parseCatalog(`
id: t
version: 1
signals:
  - id: big_order
    description: big order
    category: fit
    weight: 1
    number: { min: 10, max: 100 }
    patterns:
      en: ['{num} (boxes|units)']
`);
    expect(detectSignalIds(cat, '5 boxes')).toEqual([]);
    expect(detectSignals(cat, '50 boxes')[0]!.value).toBe(50);
    expect(detectSignalIds(cat, '1,000 units')).toEqual([]);
  });
});

describe('evidence offsets', () => {
  it('quotes are exact substrings even after emoji, combining marks and case folding that changes length', () => {
    const texts = [
      '😀😀 ¿Me pasan una COTIZACIÓN? 🙏',
      'İİ quiero comprar dos máquinas',
      'Hola!!! Necesito una cotización urgente, hacemos 1.500 panes al día',
      'e\u0301l precio? cuánto cuesta 👍 please call me back',
    ];
    for (const text of texts) {
      const ms = detectSignals(equipment, text);
      expect(ms.length, text).toBeGreaterThan(0);
      for (const m of ms) {
        expect(m.quote).toBe(text.slice(m.start, m.end));
        expect(m.quote.trim()).toBe(m.quote);
      }
    }
  });
});
