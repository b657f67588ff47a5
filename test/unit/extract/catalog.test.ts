import { describe, expect, it } from 'vitest';
import { detectSignals } from '../../../src/processors/extract/detect-signals.js';
import { LeadwireError } from '../../../src/core/errors.js';
import { buildCatalog, loadCatalog, parseCatalog, tierFor, type CatalogResolver } from '../../../src/processors/extract/catalog.js';

const base = (signals: string) => `id: t\nversion: 1\nsignals:\n${signals}`;
const errorOf = (fn: () => unknown): LeadwireError => {
  try { fn(); } catch (err) { return err as LeadwireError; }
  throw new Error('expected an error');
};

describe('catalog validation', () => {
  it('a bad regex names the signal, the pattern and the cause', () => {
    const err = errorOf(() => parseCatalog(base(`  - id: broken\n    description: x\n    category: intent\n    weight: 1\n    patterns:\n      en: ['(unclosed']\n`)));
    expect(err).toBeInstanceOf(LeadwireError);
    expect(err.kind).toBe('config');
    expect(err.message).toMatch(/signal 'broken'/);
    expect(err.message).toMatch(/en\[0\] \/\(unclosed\/ is not a valid regular expression/);
  });

  it('an unknown category says where and what is allowed', () => {
    const err = errorOf(() => parseCatalog(base(`  - id: odd\n    description: x\n    category: vibes\n    weight: 1\n    patterns:\n      en: ['x']\n`)));
    expect(err.message).toMatch(/signals\.0\.category/);
    expect(err.message).toMatch(/fit/);
    expect(err.message).toMatch(/negative/);
  });

  it('a missing parent in extends is reported with its name', () => {
    const resolver: CatalogResolver = (name) => { throw new Error(`no catalog ${name}`); };
    const err = errorOf(() => buildCatalog({ id: 'child', version: 1, extends: 'nope', signals: [] }, resolver));
    expect(err.message).toMatch(/'child' extends 'nope', which cannot be loaded/);
  });

  it('a missing parent file names the file it looked for', () => {
    const err = errorOf(() => parseCatalog('id: c\nversion: 1\nextends: does-not-exist\n'));
    expect(err.message).toMatch(/does-not-exist\.yaml/);
  });

  it('rejects duplicate ids, positive negative weights, {num} without number and missing patterns', () => {
    const dup = `  - {id: a, description: x, category: intent, weight: 1, patterns: {en: [x]}}\n  - {id: a, description: y, category: intent, weight: 1, patterns: {en: [y]}}\n`;
    expect(errorOf(() => parseCatalog(base(dup))).message).toMatch(/duplicate id/);
    expect(errorOf(() => parseCatalog(base(`  - {id: n, description: x, category: negative, weight: 2, patterns: {en: [x]}}\n`))).message).toMatch(/negative needs a weight ≤ 0/);
    expect(errorOf(() => parseCatalog(base(`  - {id: n, description: x, category: fit, weight: 1, patterns: {en: ['{num} units']}}\n`))).message).toMatch(/uses \{num\}/);
    expect(errorOf(() => parseCatalog(base(`  - {id: n, description: x, category: fit, weight: 1, number: {min: 1}, patterns: {en: ['units']}}\n`))).message).toMatch(/has no \{num\}/);
    expect(errorOf(() => parseCatalog(base(`  - {id: n, description: x, category: fit, weight: 1, patterns: {}}\n`))).message).toMatch(/no patterns/);
    expect(errorOf(() => parseCatalog(base(`  - {id: n, description: x, category: fit, weight: 1, patterns: {fr: [x]}}\n`))).message).toMatch(/fr/);
  });

  it('detects an extends cycle', () => {
    const docs: Record<string, unknown> = { a: { id: 'a', version: 1, extends: 'b' }, b: { id: 'b', version: 1, extends: 'a' } };
    const err = errorOf(() => buildCatalog(docs.a, (n) => ({ doc: docs[n], where: n })));
    expect(err.message).toMatch(/cycle/);
  });
});

describe('shipped catalogs', () => {
  it('default has every required signal id', () => {
    const c = loadCatalog('default');
    const required = ['asks_price', 'asks_quote', 'asks_demo', 'asks_call', 'asks_meeting', 'budget', 'payment_method', 'timeline', 'urgency',
      'decision_maker', 'company_size', 'current_operation', 'only_project', 'competitor', 'objection_price', 'withdraws', 'not_interested',
      'ready_to_buy', 'order_status', 'complaint', 'cancel', 'asks_visit', 'gives_contact', 'accepts_offer', 'declines_offer'];
    for (const id of required) expect(c.byId.has(id), id).toBe(true);
    for (const id of ['order_status', 'complaint', 'cancel', 'not_interested', 'withdraws']) expect(c.byId.get(id)!.weight).toBeLessThan(0);
    // The tier policy's strong intents, and weak interest that stops at nurturing.
    for (const id of ['ready_to_buy', 'asks_quote', 'asks_demo', 'asks_call', 'asks_meeting', 'asks_visit', 'payment_method', 'gives_contact', 'accepts_offer']) {
      expect(c.byId.get(id)!.strength, id).toBe('strong');
    }
    for (const id of ['asks_price', 'interested', 'asks_info', 'asks_product', 'explores']) expect(c.byId.get(id)!.strength, id).toBe('weak');
    for (const id of ['budget', 'company_size', 'current_operation']) expect(c.byId.get(id)!.strength, id).toBeNull();
    expect(c.version).toBe('default@2');
  });

  it('equipment-manufacturer extends default, adds its fit signals and its products to the lexicon', () => {
    const c = loadCatalog('equipment-manufacturer');
    const def = loadCatalog('default');
    expect(c.version).toBe('equipment-manufacturer@2+default@2');
    for (const id of ['asks_visit', 'already_produces', 'volume', 'pain_staff', 'pain_time', 'pain_waste', 'new_location', 'demand_over_capacity',
      'asks_spec_sheet', 'asks_installation', 'asks_quote', 'payment_method', 'not_interested']) expect(c.byId.has(id), id).toBe(true);
    // "Necesito una empacadora": the product is the manufacturer's, so wanting one is acquisition with this catalog only.
    const ids = (cat: typeof c) => detectSignals(cat, 'Necesito una empacadora para la panadería', 'es').map((m) => m.signalId);
    expect(ids(c)).toContain('ready_to_buy');
    expect(ids(def)).not.toContain('ready_to_buy');
    expect(c.tiers).toEqual(def.tiers);
  });

  it('tiers come from the catalog thresholds', () => {
    const c = loadCatalog('default');
    expect(tierFor(c, c.tiers.qualified)).toBe('qualified');
    expect(tierFor(c, c.tiers.nurturing)).toBe('nurturing');
    expect(tierFor(c, c.tiers.nurturing - 0.01)).toBe('unqualified');
  });
});

describe('drop', () => {
  it('a child can drop an inherited signal, and dropping an unknown id is an error', () => {
    const parent = { id: 'p', version: 1, signals: [{ id: 'a', description: 'a', category: 'intent', weight: 1, patterns: { en: ['a'] } }, { id: 'b', description: 'b', category: 'intent', weight: 1, patterns: { en: ['b'] } }] };
    const c = buildCatalog({ id: 'c', version: 1, extends: 'p', drop: ['a'] }, () => ({ doc: parent, where: 'p' }));
    expect([...c.byId.keys()]).toEqual(['b']);
    const err = errorOf(() => buildCatalog({ id: 'c', version: 1, extends: 'p', drop: ['zzz'] }, () => ({ doc: parent, where: 'p' })));
    expect(err.message).toMatch(/drops 'zzz'/);
  });
});
