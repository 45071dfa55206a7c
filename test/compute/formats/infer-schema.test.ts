import { describe, expect, it } from 'vitest';
import { InconsistentTypesError } from '../../../compute/formats/format-errors.ts';
import { inferSchema } from '../../../compute/formats/infer-schema.ts';

const rows = (...values: Record<string, unknown>[]) => values.map((value, i) => ({ value, line: i + 1 }));
const csv = (...values: Record<string, unknown>[]) =>
  inferSchema(rows(...values), { source: 'csv', file: 'f.csv' });
const json = (...values: Record<string, unknown>[]) =>
  inferSchema(rows(...values), { source: 'json', file: 'f.jsonl' });

describe('inferSchema from CSV text', () => {
  it('infers int, float, boolean, datetime and string per column', () => {
    const schema = csv(
      { i: '1', f: '1.5', b: 'true', d: '2024-01-02', s: 'x', big: '123456789012345678901' },
      { i: '-20', f: '3', b: 'FALSE', d: '2024-01-02T10:00:00Z', s: '12', big: '5' },
    );
    expect(schema.fields.i?.type).toEqual({ kind: 'int' });
    expect(schema.fields.f?.type).toEqual({ kind: 'float' });
    expect(schema.fields.b?.type).toEqual({ kind: 'boolean' });
    expect(schema.fields.d?.type).toEqual({ kind: 'datetime' });
    expect(schema.fields.s?.type).toEqual({ kind: 'string' });
    expect(schema.fields.big?.type).toEqual({ kind: 'bigint' });
  });

  it('widens conflicting columns: int+float → float, anything+string → string', () => {
    const schema = csv(
      { a: '1', b: '1', c: 'true', d: '2024-01-01' },
      { a: '2.5', b: 'x', c: '1', d: 'soon' },
    );
    expect(schema.fields.a?.type.kind).toBe('float');
    expect(schema.fields.b?.type.kind).toBe('string');
    expect(schema.fields.c?.type.kind).toBe('string');
    expect(schema.fields.d?.type.kind).toBe('string');
  });

  it('marks a column nullable when any sample is empty, and an all-empty column a nullable string', () => {
    const schema = csv({ a: '1', b: null }, { a: null, b: null });
    expect(schema.fields.a).toMatchObject({ type: { kind: 'int' }, nullable: true });
    expect(schema.fields.b).toMatchObject({ type: { kind: 'string' }, nullable: true });
  });

  it('keeps ISO dates as strings with dates: false', () => {
    const schema = inferSchema(rows({ d: '2024-01-01' }), { source: 'csv', file: 'f.csv', dates: false });
    expect(schema.fields.d?.type.kind).toBe('string');
  });
});

describe('inferSchema from JSON values', () => {
  it('infers nested objects, arrays with unified items, and optional keys as nullable', () => {
    const schema = json(
      { id: 1, det: { confidence: 0.9, label: 'cat' }, tags: ['a'], pts: [1, 2] },
      { id: 2, det: { confidence: 1 }, tags: [], pts: [2.5] },
    );
    expect(schema.fields.id).toEqual({ type: { kind: 'int' }, nullable: false, optional: false });
    expect(schema.fields.det?.type).toEqual({
      kind: 'object',
      fields: {
        confidence: { type: { kind: 'float' }, nullable: false, optional: false },
        label: { type: { kind: 'string' }, nullable: true, optional: false },
      },
    });
    expect(schema.fields.tags?.type).toEqual({ kind: 'array', items: { kind: 'string' } });
    expect(schema.fields.pts?.type).toEqual({ kind: 'array', items: { kind: 'float' } });
  });

  it('marks array items nullable when a sampled item is null', () => {
    expect(json({ a: [1, null] }, { a: [2] }).fields.a?.type).toEqual({
      kind: 'array',
      items: { kind: 'int' },
      itemsNullable: true,
    });
  });

  it('treats integral numbers beyond the safe range as float and ISO strings as datetime', () => {
    const schema = json({ n: 2 ** 60, t: '2024-05-01T12:00:00.000Z' });
    expect(schema.fields.n?.type.kind).toBe('float');
    expect(schema.fields.t?.type.kind).toBe('datetime');
  });

  it('rejects a field that is an object in one row and a scalar in another, naming path and line', () => {
    let error: unknown;
    try {
      json({ a: { b: { c: 1 } } }, { a: { b: { c: 2 } } }, { a: { b: 7 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InconsistentTypesError);
    const e = error as InconsistentTypesError;
    expect(e.code).toBe('INCONSISTENT_TYPES');
    expect(e.field).toBe('a.b');
    expect(e.position?.line).toBe(3);
    expect(e.message).toContain("field 'a.b'");
    expect(e.message).toContain('line 3');
  });

  it('rejects an array mixed with a scalar', () => {
    expect(() => json({ a: [1] }, { a: 1 })).toThrow(InconsistentTypesError);
  });

  it('widens mixed scalars to string', () => {
    expect(json({ a: 1 }, { a: 'x' }).fields.a?.type.kind).toBe('string');
  });
});
