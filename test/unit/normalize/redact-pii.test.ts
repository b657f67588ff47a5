import { describe, expect, it } from 'vitest';
import { redactPii } from '../../../src/processors/normalize/redact-pii.js';

const none = { emails: 0, phones: 0, cards: 0, ids: 0 };

describe('redactPii', () => {
  const redacted: Array<[string, string, Partial<typeof none>]> = [
    ['escríbeme a ana.perez@empresa.com.co', 'escríbeme a [email]', { emails: 1 }],
    ['ana@x.co y bob.smith+tag@mail.example.com', '[email] y [email]', { emails: 2 }],
    ['llámame al +57 300 123 4567', 'llámame al [phone]', { phones: 1 }],
    ['+573001234567', '[phone]', { phones: 1 }],
    ['mi número (305) 555-0100', 'mi número [phone]', { phones: 1 }],
    ['+1 (305) 555-0100 office', '[phone] office', { phones: 1 }],
    ['cel 3001234567', 'cel [phone]', { phones: 1 }],
    ['escríbeme al 300 123 4567 gracias', 'escríbeme al [phone] gracias', { phones: 1 }],
    ['call 305-555-0100 today', 'call [phone] today', { phones: 1 }],
    ['fijo 601 234 5678', 'fijo [phone]', { phones: 1 }],
    ['+34 612 34 56 78', '[phone]', { phones: 1 }],
    ['573001234567', '[phone]', { phones: 1 }],
    ['tarjeta 4111 1111 1111 1111', 'tarjeta [card]', { cards: 1 }],
    ['4111-1111-1111-1111 exp 12/27', '[card] exp 12/27', { cards: 1 }],
    ['tarjeta 4111 1111 1111 1111, vence pronto', 'tarjeta [card], vence pronto', { cards: 1 }],
    ['5500005555555559', '[card]', { cards: 1 }],
    ['amex 3782 822463 10005', 'amex [card]', { cards: 1 }],
    ['SSN 123-45-6789', 'SSN [id]', { ids: 1 }],
    ['mi cédula es 1.020.345.678', 'mi cédula es [id]', { ids: 1 }],
    ['CC 79123456', 'CC [id]', { ids: 1 }],
    ['NIT 900.123.456-7', 'NIT [id]', { ids: 1 }],
    ['nit 900123456-7 de la empresa', 'nit [id] de la empresa', { ids: 1 }],
    ['pasaporte AB1234567', 'pasaporte [id]', { ids: 1 }],
    ['passport no. X12345678', 'passport no. [id]', { ids: 1 }],
    ['soy 1020345678', 'soy [id]', { ids: 1 }],
    ['correo a@b.co, cel 3001234567, cc 79123456', 'correo [email], cel [phone], cc [id]', { emails: 1, phones: 1, ids: 1 }],
  ];
  for (const [input, output, counts] of redacted) {
    it(`redacts ${JSON.stringify(input)}`, () => {
      expect(redactPii(input)).toEqual({ text: output, pii: { ...none, ...counts } });
    });
  }

  // Buying signals: quantities, money, years, dates, references.
  const kept = [
    '500 unidades', '$ 12.500.000', '$12500000', 'presupuesto 12500000', '12500000 pesos', 'COP 3.500.000',
    '2024', 'en 2024 compramos 1200 piezas', 'precio 350000', 'quiero 100 200 3000 unidades', 'el 2024-05-12 a las 10:30',
    'pedido #123456', 'referencia 20240512', 'producen más de 500 unidades al mes', '1.500 kg', 'USD 1,500,000',
    '4111111111111112', 'x 1000 unidades', 'El precio', '50% de descuento', 'talla 42, 3 pares',
  ];
  for (const input of kept) {
    it(`keeps ${JSON.stringify(input)}`, () => {
      expect(redactPii(input)).toEqual({ text: input, pii: none });
    });
  }
});
