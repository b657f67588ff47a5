import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../../src/processors/normalize/detect-language.js';

const detect = (s: string) => detectLanguage(s, s.split(' ').filter(Boolean).length);

describe('detectLanguage', () => {
  it.each([
    ['Quisiera un video', 'es'],
    ['cuanto cuesta el envio a Bogota', 'es'],
    ['Buenas tardes, me interesa el producto para mi empresa, necesito 500 unidades al mes', 'es'],
    ['Necesito 50 unidades para el lunes', 'es'],
    ['I would like a quote for 50 units please', 'en'],
    ['How much is it?', 'en'],
    ['Hi there, can you send me the price list for the large mattress?', 'en'],
    ['Olá, gostaria de saber o preço', 'pt'],
    ['Bonjour, je voudrais un devis', 'fr'],
  ])('%s → %s (reliable)', (text, code) => {
    const r = detect(text);
    expect(r.code).toBe(code);
    expect(r.reliable).toBe(true);
    expect(r.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it.each([
    ['Hola', 'es'], ['El precio', 'es'], ['Gracias!!', 'es'], ['Me interesa', 'es'], ['ok perfecto', 'es'],
    ['thanks', 'en'], ['yes please', 'en'],
  ])('short %s → %s, never reliable, low confidence', (text, code) => {
    const r = detect(text);
    expect(r).toEqual({ code, confidence: expect.any(Number), reliable: false });
    expect(r.confidence).toBeLessThanOrEqual(0.4);
  });

  it.each(['500', 'Colombia', '👍👍', '', 'ok'])('%j → und', (text) => {
    expect(detect(text).code).toBe('und');
    expect(detect(text).reliable).toBe(false);
  });

  it('returns the same answer for repeated short texts (cached)', () => {
    expect(detect('Buenos días')).toEqual(detect('Buenos días'));
  });
});
