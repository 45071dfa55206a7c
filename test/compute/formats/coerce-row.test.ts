import { describe, expect, it } from 'vitest';
import { type CoerceContext, coerceRow } from '../../../compute/formats/coerce-row.ts';
import { ValueMismatchError } from '../../../compute/formats/format-errors.ts';
import type { DatasetSchema, FieldSpec, FieldType } from '../../../schema/record/field-type.ts';

const csv: CoerceContext = { file: 'in.csv', position: { line: 7, row: 6 }, source: 'csv' };
const json: CoerceContext = { file: 'in.jsonl', position: { line: 3 }, source: 'json' };
const field = (type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  type,
  nullable: false,
  optional: false,
  ...extra,
});
const one = (spec: FieldSpec): DatasetSchema => ({ format: 1, fields: { v: spec } });

function mismatch(
  raw: Record<string, unknown>,
  schema: DatasetSchema,
  ctx: CoerceContext,
): ValueMismatchError {
  try {
    coerceRow(raw, schema, ctx);
  } catch (error) {
    if (error instanceof ValueMismatchError) return error;
    throw error;
  }
  throw new Error('no mismatch');
}

describe('coerceRow', () => {
  it('parses CSV text into each declared leaf type', () => {
    const schema: DatasetSchema = {
      format: 1,
      fields: {
        i: field({ kind: 'int' }),
        f: field({ kind: 'float' }),
        b: field({ kind: 'boolean' }),
        n: field({ kind: 'bigint' }),
        d: field({ kind: 'datetime' }),
        l: field({ kind: 'literal', value: 3 }),
        v: field({ kind: 'vector', dimensions: 2 }),
        r: field({ kind: 'record', values: { kind: 'int' } }),
      },
    };
    const raw = {
      i: ' 42 ',
      f: '-1e3',
      b: '0',
      n: '-123456789012345678901',
      d: '2024-02-29T23:00:00+02:00',
      l: '3',
      v: '[1,2]',
      r: '{"a":1}',
    };
    expect(coerceRow(raw, schema, csv)).toEqual({
      i: 42,
      f: -1000,
      b: false,
      n: -123456789012345678901n,
      d: new Date('2024-02-29T21:00:00Z'),
      l: 3,
      v: [1, 2],
      r: { a: 1 },
    });
  });

  it('names file, position, field and value when text does not parse', () => {
    const error = mismatch({ v: '2024-02-30' }, one(field({ kind: 'datetime' })), csv);
    expect(error.message).toBe(`in.csv (line 7, row 6): field 'v': expected datetime, got "2024-02-30"`);
    expect(error.field).toBe('v');
    expect(error.value).toBe('2024-02-30');
    expect(mismatch({ v: '[1,2,3]' }, one(field({ kind: 'vector', dimensions: 2 })), csv).message).toContain(
      'vector[2]',
    );
    expect(
      mismatch({ v: '{oops' }, one(field({ kind: 'record', values: { kind: 'string' } })), csv).message,
    ).toContain('as JSON text');
  });

  it('does not read JSON strings as numbers, but widens scalars into string fields', () => {
    expect(mismatch({ v: '5' }, one(field({ kind: 'int' })), json).message).toContain(
      `expected int, got "5"`,
    );
    expect(coerceRow({ v: 5 }, one(field({ kind: 'string' })), json)).toEqual({ v: '5' });
    expect(mismatch({ v: 1.5 }, one(field({ kind: 'int' })), json).message).toContain('got 1.5');
  });

  it('reports a deep path inside arrays of objects', () => {
    const schema = one(
      field({ kind: 'array', items: { kind: 'object', fields: { n: field({ kind: 'int' }) } } }),
    );
    expect(mismatch({ v: [{ n: 1 }, { n: 'x' }] }, schema, json).field).toBe('v[1].n');
  });

  it('handles missing values by nullability: null, omitted (optional) or an error', () => {
    expect(coerceRow({}, one(field({ kind: 'int' }, { nullable: true })), json)).toEqual({ v: null });
    expect(coerceRow({}, one(field({ kind: 'int' }, { optional: true })), json)).toEqual({});
    expect(mismatch({ v: null }, one(field({ kind: 'int' })), json).message).toContain(
      'expected a non-null int',
    );
  });

  it('accepts null array items only when the items are nullable', () => {
    const strict = one(field({ kind: 'array', items: { kind: 'int' } }));
    expect(mismatch({ v: [1, null] }, strict, json).field).toBe('v[1]');
    const lenient = one(field({ kind: 'array', items: { kind: 'int' }, itemsNullable: true }));
    expect(coerceRow({ v: [1, null] }, lenient, json)).toEqual({ v: [1, null] });
  });

  it('keeps a JSON object of nulls, but reads all-empty CSV cells of a nullable object as null', () => {
    const schema = one(
      field(
        { kind: 'object', fields: { x: field({ kind: 'int' }, { nullable: true }) } },
        { nullable: true },
      ),
    );
    expect(coerceRow({ v: { x: null } }, schema, json)).toEqual({ v: { x: null } });
    expect(coerceRow({ v: { x: null } }, schema, csv)).toEqual({ v: null });
  });

  it('drops keys that are not in the schema', () => {
    expect(coerceRow({ v: 1, other: 2 }, one(field({ kind: 'int' })), json)).toEqual({ v: 1 });
  });
});
