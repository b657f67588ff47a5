import { describe, expect, it } from 'vitest';
import { createLocalEmbedder, foldForEmbedding } from '../../../src/adapters/embedder/local-embedder.js';
import { dot } from '../../../src/ports/embedder.js';

const e = createLocalEmbedder();
const sim = async (a: string, b: string) => { const [x, y] = await e.embed([a, b]); return dot(x!, y!); };

describe('local embedder', () => {
  it('is deterministic and returns unit vectors of the configured size', async () => {
    const [a] = await e.embed(['Quisiera una cotización']);
    const [b] = await createLocalEmbedder().embed(['Quisiera una cotización']);
    expect(a).toEqual(b);
    expect(a).toHaveLength(512);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 6);
    expect((await createLocalEmbedder({ dimensions: 64 }).embed(['x']))[0]).toHaveLength(64);
    expect(e.id).toBe('local-hash-v1:d512:n345');
  });

  it('folds accents and case: spelling variants land on the same vector', async () => {
    expect(foldForEmbedding('¿Cotización de MÁQUINAS?')).toBe('cotizacion de maquinas');
    expect(await sim('cotización máquinas', 'COTIZACION maquinas')).toBeCloseTo(1, 6);
  });

  it('puts inflections and typos closer than unrelated text', async () => {
    const related = await sim('pide cotización de 50 máquinas', 'quiero cotizaciones para 60 maquinas');
    const typo = await sim('necesito una cotizacion', 'nesecito una cotisacion');
    const typoBaseline = await sim('necesito una cotizacion', 'a qué hora abren mañana');
    const unrelated = await sim('pide cotización de 50 máquinas', 'cuál es el horario de atención');
    expect(related).toBeGreaterThan(0.45);
    // Two misspelt words of three still share n-grams: clearly above an unrelated text.
    expect(typo).toBeGreaterThan(typoBaseline + 0.1);
    expect(unrelated).toBeLessThan(0.2);
    expect(related).toBeGreaterThan(unrelated + 0.3);
  });

  it('works on English the same way', async () => {
    expect(await sim('I want a quote for my car', 'can I get a car insurance quote')).toBeGreaterThan(await sim('I want a quote for my car', 'I need to reset my password'));
  });

  it('gives a text of only function words a vector, and the empty text a zero vector', async () => {
    const [hola, empty] = await e.embed(['hola', '']);
    expect(Math.hypot(...hola!)).toBeCloseTo(1, 6);
    expect(empty!.every((x) => x === 0)).toBe(true);
  });
});
