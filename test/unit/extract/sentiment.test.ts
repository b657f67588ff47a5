import { describe, expect, it } from 'vitest';
import { conversationSentiment, messageSentiment } from '../../../src/processors/extract/sentiment.js';

describe('sentiment', () => {
  it('Spanish', () => {
    expect(messageSentiment('Excelente, muchas gracias por la atención', 'es').label).toBe('positive');
    expect(messageSentiment('Pésimo servicio, estoy muy molesto', 'es').label).toBe('negative');
    expect(messageSentiment('no es bueno', 'es').label).toBe('negative');
    expect(messageSentiment('El precio', 'es').label).toBe('neutral');
  });

  it('English', () => {
    expect(messageSentiment('Great, thanks a lot!', 'en').label).toBe('positive');
    expect(messageSentiment('This is terrible, I am very disappointed', 'en').label).toBe('negative');
    expect(messageSentiment('not good', 'en').label).toBe('negative');
    expect(messageSentiment('What sizes do you have?', 'en').label).toBe('neutral');
  });

  it('unknown language picks the lexicon that recognises the text; emoji count', () => {
    expect(messageSentiment('genial, me encanta', 'und').label).toBe('positive');
    expect(messageSentiment('awful', 'und').label).toBe('negative');
    expect(messageSentiment('👍', 'und').label).toBe('positive');
    expect(messageSentiment('😡😡', 'und').label).toBe('negative');
  });

  it('scores stay in [-1, 1]; the conversation leans to its latest messages', () => {
    const s = messageSentiment('excelente excelente excelente maravilloso genial perfecto', 'es').score;
    expect(s).toBeLessThanOrEqual(1);
    expect(conversationSentiment([]).label).toBe('neutral');
    expect(conversationSentiment([-0.8, 0.8]).score).toBeGreaterThan(0);
    expect(conversationSentiment([0.8, -0.8]).score).toBeLessThan(0);
  });
});
