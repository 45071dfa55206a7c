import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileFastCheck } from '../../../compute/chain/sources/zod-fast-check.ts';

enum Colour {
  Red,
  Green,
}

const Row = z.object({
  id: z.int(),
  name: z.string(),
  score: z.number().nullable(),
  when: z.date().optional(),
  flag: z.boolean(),
  kind: z.enum(['cat', 'dog']),
  colour: z.enum(Colour),
  one: z.literal(1),
  tags: z.array(z.string()),
  det: z.object({ label: z.string(), box: z.object({ w: z.int() }).nullable() }),
});

/** The fields a schema names, read the way the row encoder reads them. */
function project(schema: z.ZodType, value: unknown): unknown {
  const def = (
    schema as unknown as {
      _zod: { def: { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType } };
    }
  )._zod.def;
  if (def.type === 'object' && value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(def.shape!).map(([k, s]) => [k, project(s, (value as Record<string, unknown>)[k])]),
    );
  }
  if ((def.type === 'nullable' || def.type === 'optional') && value != null)
    return project(def.innerType!, value);
  return value;
}

const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constantFrom('cat', 'dog', 'Red', 'Green', 0, 1, 2, 'x', Number.MAX_SAFE_INTEGER + 2, Number.NaN),
  fc.date({ noInvalidDate: false }),
  fc.array(fc.oneof(fc.string(), fc.integer())),
);

/** Mostly a valid value, sometimes anything. */
const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 8 }, { arbitrary: anyValue as fc.Arbitrary<unknown>, weight: 1 });

const rowish = fc.record(
  {
    id: mostly(fc.integer()),
    name: mostly(fc.string()),
    score: mostly(fc.double()),
    when: mostly(fc.date({ noInvalidDate: false })),
    flag: mostly(fc.boolean()),
    kind: mostly(fc.constantFrom('cat', 'dog')),
    colour: mostly(fc.constantFrom(0, 1)),
    one: mostly(fc.constant(1)),
    tags: mostly(fc.array(fc.string())),
    det: mostly(
      fc.record({
        label: mostly(fc.string()),
        box: mostly(fc.oneof(fc.record({ w: mostly(fc.integer()) }), fc.constant(null))),
        extra: fc.string(),
      }),
    ),
  },
  { requiredKeys: ['id', 'name', 'score', 'flag', 'kind', 'colour', 'one', 'tags', 'det'] },
);

describe('compileFastCheck', () => {
  it('only accepts rows zod accepts, and then zod returns the same field values', () => {
    const check = compileFastCheck(Row)!;
    expect(check).toBeDefined();
    let accepted = 0;
    fc.assert(
      fc.property(rowish, (row) => {
        if (!check(row)) return;
        accepted++;
        const parsed = Row.safeParse(row);
        expect(parsed.success).toBe(true);
        expect(project(Row, row)).toEqual(project(Row, parsed.data));
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('sends values that need zod (coercion, reverse enum names, bad leaves) to zod', () => {
    const check = compileFastCheck(Row)!;
    const good = {
      id: 1,
      name: 'a',
      score: null,
      flag: true,
      kind: 'cat',
      colour: Colour.Green,
      one: 1,
      tags: ['x'],
      det: { label: 'l', box: null },
    };
    expect(check(good)).toBe(true);
    expect(check({ ...good, colour: 'Green' })).toBe(false);
    expect(check({ ...good, id: 1.5 })).toBe(false);
    expect(check({ ...good, score: Number.POSITIVE_INFINITY })).toBe(false);
    expect(check({ ...good, when: new Date(Number.NaN) })).toBe(false);
    expect(check({ ...good, tags: ['x', 1] })).toBe(false);
    expect(check({ ...good, det: [] })).toBe(false);
    const coerced = compileFastCheck(z.object({ n: z.coerce.number() }))!;
    expect(coerced({ n: 2 })).toBe(true);
    expect(coerced({ n: '2' })).toBe(false);
  });

  it('gives no fast path for schemas with refinements, transforms, defaults or strict objects', () => {
    expect(compileFastCheck(z.object({ a: z.string().min(1) }))).toBeUndefined();
    expect(compileFastCheck(z.object({ a: z.number().int() }))).toBeUndefined();
    expect(compileFastCheck(z.object({ a: z.string().transform((s) => s.length) }))).toBeUndefined();
    expect(compileFastCheck(z.object({ a: z.string().default('x') }))).toBeUndefined();
    expect(compileFastCheck(z.strictObject({ a: z.string() }))).toBeUndefined();
    expect(compileFastCheck(z.object({ a: z.string() }).refine(() => false))).toBeUndefined();
    expect(compileFastCheck(z.object({ a: z.union([z.string(), z.number()]) }))).toBeUndefined();
  });
});
