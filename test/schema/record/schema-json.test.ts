import { describe, expect, it } from 'vitest';
import { SchemaError } from '../../../schema/errors.ts';
import { schemaFromJson } from '../../../schema/record/index.ts';

function parseError(text: string): SchemaError {
  try {
    schemaFromJson(text);
  } catch (error) {
    expect(error).toBeInstanceOf(SchemaError);
    return error as SchemaError;
  }
  throw new Error('expected a SchemaError');
}

const field = (type: unknown) => ({ type, nullable: false, optional: false });
const doc = (fields: unknown) => JSON.stringify({ format: 1, fields });

describe('schemaFromJson rejects malformed documents with a clear error', () => {
  it('rejects text that is not JSON', () => {
    expect(parseError('{"format": 1,').message).toMatch(/not valid JSON/);
  });

  it('rejects an unknown format version', () => {
    const error = parseError(JSON.stringify({ format: 2, fields: { a: field({ kind: 'string' }) } }));
    expect(error.path).toBe('format');
  });

  it('names the JSON path of an unknown kind deep inside', () => {
    const error = parseError(
      doc({ det: field({ kind: 'object', fields: { box: field({ kind: 'decimal' }) } }) }),
    );
    expect(error.path).toBe('fields.det.type.fields.box.type.kind');
    expect(error.message).toContain('fields.det.type.fields.box.type.kind');
  });

  it('rejects missing flags, empty enums and bad vector sizes', () => {
    expect(parseError(doc({ a: { type: { kind: 'string' }, nullable: false } })).path).toBe(
      'fields.a.optional',
    );
    expect(parseError(doc({ a: field({ kind: 'enum', values: [] }) })).path).toBe('fields.a.type.values');
    expect(parseError(doc({ a: field({ kind: 'vector', dimensions: 0 }) })).path).toBe(
      'fields.a.type.dimensions',
    );
  });

  it('applies the field name rules', () => {
    expect(parseError(doc({ sys: field({ kind: 'int' }) })).message).toMatch(/reserved/);
    expect(parseError(doc({})).message).toMatch(/at least one field/);
    expect(parseError(doc({ 'a b': field({ kind: 'int' }) })).path).toBe('a b');
  });
});
