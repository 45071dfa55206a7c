import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SchemaError } from '../../../schema/errors.ts';
import { fromZod } from '../../../schema/record/index.ts';
import { vector } from '../../../schema/record/vector.ts';
import { TYPE_CASES } from './type-cases.ts';

function schemaError(run: () => unknown): SchemaError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SchemaError);
    return error as SchemaError;
  }
  throw new Error('expected a SchemaError');
}

describe('fromZod: supported types', () => {
  for (const c of TYPE_CASES) {
    it(`describes ${c.name}`, () => {
      const schema = fromZod(z.object({ f: c.zod }));
      expect(schema).toEqual({
        format: 1,
        fields: { f: { type: c.type, nullable: false, optional: false } },
      });
    });
  }

  it('maps optional, nullable, nullish, default and null unions', () => {
    const schema = fromZod(
      z.object({
        o: z.string().optional(),
        n: z.string().nullable(),
        ish: z.string().nullish(),
        d: z.int().default(3),
        u: z.union([z.number(), z.null()]),
        r: z.string().optional().nonoptional(),
        ro: z.array(z.string()).readonly(),
      }),
    );
    const flags = Object.fromEntries(
      Object.entries(schema.fields).map(([k, f]) => [k, [f.nullable, f.optional]]),
    );
    expect(flags).toEqual({
      o: [false, true],
      n: [true, false],
      ish: [true, true],
      d: [false, true],
      u: [true, false],
      r: [false, false],
      ro: [false, false],
    });
    expect(schema.fields.d?.type).toEqual({ kind: 'int' });
  });

  it('turns unions of string literals and multi-value literals into enums', () => {
    const schema = fromZod(
      z.object({ a: z.union([z.literal('x'), z.literal('y')]), b: z.literal(['p', 'q']).optional() }),
    );
    expect(schema.fields.a?.type).toEqual({ kind: 'enum', values: ['x', 'y'] });
    expect(schema.fields.b?.type).toEqual({ kind: 'enum', values: ['p', 'q'] });
  });

  it('keeps vectors marked after describe/optional/nullable', () => {
    const schema = fromZod(z.object({ e: vector(4).describe('embedding').nullable().optional() }));
    expect(schema.fields.e).toEqual({
      type: { kind: 'vector', dimensions: 4 },
      nullable: true,
      optional: true,
      description: 'embedding',
    });
  });

  it('keeps descriptions from describe() and meta(), on fields, nested fields and the row', () => {
    const schema = fromZod(
      z
        .object({
          a: z.string().describe('outer'),
          b: z.number().meta({ description: 'via meta' }).optional(),
          c: z.object({ d: z.boolean().describe('deep') }).describe('obj'),
        })
        .describe('rows'),
    );
    expect(schema.description).toBe('rows');
    expect(schema.fields.a?.description).toBe('outer');
    expect(schema.fields.b?.description).toBe('via meta');
    expect(schema.fields.c?.description).toBe('obj');
    const c = schema.fields.c?.type;
    expect(c?.kind === 'object' && c.fields.d?.description).toBe('deep');
    expect(fromZod(z.object({ a: z.string() }), { description: 'explicit' }).description).toBe('explicit');
  });

  it('describes objects nested 5 levels deep', () => {
    const schema = fromZod(
      z.object({ a: z.object({ b: z.object({ c: z.object({ d: z.object({ e: z.int() }) }) }) }) }),
    );
    let type = schema.fields.a?.type;
    for (const key of ['b', 'c', 'd']) {
      expect(type?.kind).toBe('object');
      type = type?.kind === 'object' ? type.fields[key]?.type : undefined;
    }
    expect(type).toEqual({
      kind: 'object',
      fields: { e: { type: { kind: 'int' }, nullable: false, optional: false } },
    });
  });

  it('keeps an object tag given through chainql metadata', () => {
    const file = z.object({ path: z.string() }).meta({ chainql: { tag: 'file' } });
    expect(fromZod(z.object({ file })).fields.file?.type).toEqual({
      kind: 'object',
      tag: 'file',
      fields: { path: { type: { kind: 'string' }, nullable: false, optional: false } },
    });
  });
});

describe('fromZod: unsupported constructs name the field path', () => {
  const nest = (leaf: z.ZodType) => z.object({ det: z.object({ box: z.object({ w: leaf }) }) });
  const cases: [string, z.ZodType, RegExp][] = [
    ['function', z.function(), /function/],
    ['transform', z.string().transform((s) => s.length), /transform/],
    ['pipe', z.string().pipe(z.string()), /pipe/],
    ['preprocess', z.preprocess((v) => v, z.string()), /pipe|transform/],
    [
      'union of objects',
      z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]),
      /unions of objects/,
    ],
    ['union of scalars', z.union([z.string(), z.number()]), /union/],
    ['tuple', z.tuple([z.string(), z.number()]), /tuple/],
    ['map', z.map(z.string(), z.number()), /z\.map/],
    ['set', z.set(z.string()), /z\.set/],
    ['any', z.any(), /any/],
    ['unknown', z.unknown(), /unknown/],
    ['null', z.null(), /null/],
    [
      'intersection',
      z.intersection(z.object({ a: z.string() }), z.object({ b: z.string() })),
      /intersection/,
    ],
    ['lazy', z.lazy(() => z.string()), /lazy/],
    ['promise', z.promise(z.string()), /promise/],
    ['custom', z.custom<string>(() => true), /custom/],
    ['bigint literal', z.literal(5n), /literal/],
    ['record with enum keys', z.record(z.enum(['a']), z.string()), /record keys/],
    ['optional array items', z.array(z.string().optional()), /optional/],
    ['template literal', z.templateLiteral(['a', z.string()]), /template/],
  ];
  for (const [name, leaf, message] of cases) {
    it(`rejects ${name} at det.box.w`, () => {
      const error = schemaError(() => fromZod(nest(leaf)));
      expect(error.path).toMatch(/^det\.box\.w/);
      expect(error.message).toContain("'det.box.w");
      expect(error.message).toMatch(message);
    });
  }

  it('names the path inside arrays and records', () => {
    expect(schemaError(() => fromZod(z.object({ tags: z.array(z.object({ f: z.any() })) }))).path).toBe(
      'tags[].f',
    );
    expect(schemaError(() => fromZod(z.object({ m: z.record(z.string(), z.set(z.int())) }))).path).toBe(
      'm{}',
    );
  });

  it('rejects a non-object row type', () => {
    expect(schemaError(() => fromZod(z.string() as unknown as z.ZodObject)).message).toMatch(/z\.object/);
  });

  it('rejects the reserved top-level name sys, in any case', () => {
    for (const name of ['sys', 'SYS']) {
      const error = schemaError(() => fromZod(z.object({ [name]: z.object({ id: z.int() }) })));
      expect(error.path).toBe(name);
      expect(error.message).toMatch(/reserved/);
    }
    // nested `sys` is an ordinary name
    expect(fromZod(z.object({ meta: z.object({ sys: z.string() }) })).fields.meta).toBeDefined();
  });

  it('rejects names that would collide after flattening', () => {
    const error = schemaError(() => fromZod(z.object({ a__b: z.string(), a: z.object({ b: z.string() }) })));
    expect(error.path).toBe('a__b');
    const caseClash = schemaError(() => fromZod(z.object({ name: z.string(), Name: z.string() })));
    expect(caseClash.path).toBe('Name');
    expect(caseClash.message).toMatch(/collides with field 'name'/);
  });

  it('rejects empty schemas and empty nested objects', () => {
    expect(schemaError(() => fromZod(z.object({}))).message).toMatch(/at least one field/);
    expect(schemaError(() => fromZod(z.object({ a: z.object({ b: z.object({}) }) }))).path).toBe('a.b');
  });

  it('rejects names that are not identifiers', () => {
    for (const name of ['has space', 'a.b', '1st', 'é']) {
      expect(schemaError(() => fromZod(z.object({ x: z.object({ [name]: z.string() }) }))).path).toBe(
        `x.${name}`,
      );
    }
  });
});
