import type { DatasetSchema, FieldSpec, FieldType } from '../../../schema/record/field-type.ts';

const spec = (type: FieldType, nullable = false): FieldSpec => ({ type, nullable, optional: false });

/** A schema exercising every leaf kind, nesting, arrays of objects and nullability. */
export const SAMPLE_SCHEMA: DatasetSchema = {
  format: 1,
  fields: {
    id: spec({ kind: 'int' }),
    name: spec({ kind: 'string' }, true),
    score: spec({ kind: 'float' }),
    ok: spec({ kind: 'boolean' }, true),
    big: spec({ kind: 'bigint' }),
    at: spec({ kind: 'datetime' }, true),
    kind: spec({ kind: 'enum', values: ['cat', 'dog'] }),
    det: spec(
      {
        kind: 'object',
        fields: {
          confidence: spec({ kind: 'float' }),
          label: spec({ kind: 'string' }, true),
          box: spec({ kind: 'object', fields: { w: spec({ kind: 'int' }), h: spec({ kind: 'int' }) } }, true),
        },
      },
      true,
    ),
    tags: spec({ kind: 'array', items: { kind: 'string' } }),
    parts: spec(
      {
        kind: 'array',
        items: { kind: 'object', fields: { n: spec({ kind: 'int' }), s: spec({ kind: 'string' }, true) } },
      },
      true,
    ),
    emb: spec({ kind: 'vector', dimensions: 3 }),
    attrs: spec({ kind: 'record', values: { kind: 'string' } }, true),
    scores: spec({ kind: 'array', items: { kind: 'float' }, itemsNullable: true }),
  },
};

/** `count` rows of {@link SAMPLE_SCHEMA}; row i has nulls in several places when i % 3 === 2. */
export function sampleRows(count: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const sparse = i % 3 === 2;
    rows.push({
      id: i,
      name: sparse ? null : i === 1 ? '' : `row, "${i}"\nline`,
      score: i + 0.25,
      ok: sparse ? null : i % 2 === 0,
      big: 9007199254740993n + BigInt(i),
      at: sparse ? null : new Date(Date.UTC(2024, 0, 1 + i, 12, 30, 15, 250)),
      kind: i % 2 === 0 ? 'cat' : 'dog',
      det: sparse
        ? null
        : { confidence: i / 10, label: i === 0 ? null : `l${i}`, box: i === 1 ? null : { w: i, h: i * 2 } },
      tags: i === 0 ? [] : ['a', `t${i}`],
      parts: sparse
        ? null
        : [
            { n: i, s: null },
            { n: i + 1, s: 'x' },
          ],
      emb: [i, 0.5, -1],
      attrs: sparse ? null : { k: `v${i}` },
      scores: [i + 0.5, null],
    });
  }
  return rows;
}

/** Async iterable over rows, as chains hand them to writers. */
export async function* streamOf<T>(rows: readonly T[]): AsyncIterable<T> {
  for (const row of rows) yield row;
}
