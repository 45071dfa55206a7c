import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fromZod, schemaFromJson, schemaToJson, toZod } from '../../../schema/record/index.ts';
import { TYPE_CASES } from './type-cases.ts';

const variants = (t: z.ZodType): [string, z.ZodType][] => [
  ['required', t],
  ['optional', t.optional()],
  ['nullable', t.nullable()],
  ['nullish + described', t.nullish().describe('doc')],
];

describe('toZod round trip: fromZod(toZod(fromZod(x))) equals fromZod(x)', () => {
  for (const c of TYPE_CASES) {
    for (const [variant, zod] of variants(c.zod)) {
      it(`${c.name} (${variant})`, () => {
        const described = fromZod(z.object({ f: zod, nested: z.object({ deeper: z.object({ g: zod }) }) }));
        expect(fromZod(toZod(described))).toEqual(described);
      });
    }
  }
});

describe('schema JSON round trip', () => {
  for (const c of TYPE_CASES) {
    for (const [variant, zod] of variants(c.zod)) {
      it(`${c.name} (${variant})`, () => {
        const described = fromZod(z.object({ f: zod, o: z.object({ g: zod }).optional() }).describe('rows'));
        const text = schemaToJson(described);
        expect(JSON.parse(text)).toEqual(described);
        expect(schemaFromJson(text)).toEqual(described);
      });
    }
  }
});

describe('toZod validates rows without the producing code', () => {
  it('accepts the samples of every type and rejects wrong types', () => {
    for (const c of TYPE_CASES) {
      const validator = toZod(fromZod(z.object({ f: c.zod })));
      for (const sample of c.samples) expect(validator.safeParse({ f: sample }).success, c.name).toBe(true);
      expect(validator.safeParse({ f: Symbol('nope') }).success, c.name).toBe(false);
      expect(validator.safeParse({}).success, c.name).toBe(false);
    }
  });

  it('checks int, enum, literal, vector length, nullability and optionality', () => {
    const validator = toZod(
      fromZod(
        z.object({
          i: z.int(),
          e: z.enum(['a', 'b']),
          l: z.literal(7),
          v: z
            .array(z.number())
            .length(2)
            .meta({ chainql: { kind: 'vector', dimensions: 2 } }),
          n: z.string().nullable(),
          o: z.string().optional(),
        }),
      ),
    );
    const good = { i: 1, e: 'a', l: 7, v: [1, 2], n: null };
    expect(validator.safeParse(good).success).toBe(true);
    expect(validator.safeParse({ ...good, i: 1.5 }).success).toBe(false);
    expect(validator.safeParse({ ...good, e: 'c' }).success).toBe(false);
    expect(validator.safeParse({ ...good, l: 8 }).success).toBe(false);
    expect(validator.safeParse({ ...good, v: [1, 2, 3] }).success).toBe(false);
    expect(validator.safeParse({ ...good, n: undefined }).success).toBe(false);
    expect(validator.safeParse({ ...good, o: null }).success).toBe(false);
  });
});
