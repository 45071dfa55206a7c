import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { flattenSchema, fromZod, SYSTEM_COLUMNS, sqlType } from '../../../schema/record/index.ts';
import { vector } from '../../../schema/record/vector.ts';
import { TYPE_CASES } from './type-cases.ts';

const column = (zod: z.ZodType) => {
  const [first] = flattenSchema(fromZod(z.object({ f: zod })));
  if (first === undefined) throw new Error('no column');
  return first;
};

describe('sqlType', () => {
  for (const c of TYPE_CASES) {
    it(`maps ${c.name} to ${c.sqlite} / ${c.clickhouse}`, () => {
      expect(sqlType(column(c.zod), 'sqlite')).toBe(c.sqlite);
      expect(sqlType(column(c.zod), 'clickhouse')).toBe(c.clickhouse);
      // SQLite has no nullable types
      expect(sqlType(column(c.zod.nullable()), 'sqlite')).toBe(c.sqlite);
    });
  }

  it('wraps nullable ClickHouse scalars in Nullable, and nullable Array or Map columns in a Variant', () => {
    const nullable = (zod: z.ZodType) => sqlType(column(zod.optional()), 'clickhouse');
    expect(nullable(z.int())).toBe('Nullable(Int64)');
    expect(nullable(z.date())).toBe("Nullable(DateTime64(3, 'UTC'))");
    expect(nullable(z.enum(['a']))).toBe('LowCardinality(Nullable(String))');
    expect(nullable(z.array(z.string()))).toBe('Variant(Array(String))');
    expect(nullable(z.record(z.string(), z.int()))).toBe('Variant(Map(String, Int64))');
    expect(nullable(vector(3))).toBe('Variant(Array(Float64))');
    expect(nullable(z.array(z.int().nullable()))).toBe('Variant(Array(Nullable(Int64)))');
    expect(nullable(z.array(z.object({ a: z.int() })))).toBe('Nullable(String)');
    const insideNullableObject = flattenSchema(
      fromZod(z.object({ o: z.object({ b: z.boolean() }).nullable() })),
    )[0]!;
    expect(sqlType(insideNullableObject, 'clickhouse')).toBe('Nullable(Bool)');
    const arrayInsideNullableObject = flattenSchema(
      fromZod(z.object({ o: z.object({ t: z.array(z.string()) }).nullable() })),
    )[0]!;
    expect(sqlType(arrayInsideNullableObject, 'clickhouse')).toBe('Variant(Array(String))');
  });

  it('types the system columns', () => {
    expect(SYSTEM_COLUMNS.map((c) => sqlType(c, 'sqlite'))).toEqual(['INTEGER', 'INTEGER']);
    expect(SYSTEM_COLUMNS.map((c) => sqlType(c, 'clickhouse'))).toEqual(['Int64', 'Int64']);
  });

  it('gives SQLite types that a real table accepts with the intended affinity', () => {
    const db = new Database(':memory:');
    const columns = TYPE_CASES.map((c, i) => ({ ...column(c.zod), name: `c${i}` }));
    db.exec(`CREATE TABLE t (${columns.map((c) => `"${c.name}" ${sqlType(c, 'sqlite')}`).join(', ')})`);
    const info = db.prepare('PRAGMA table_info(t)').all() as { name: string; type: string }[];
    expect(info.map((r) => r.type)).toEqual(TYPE_CASES.map((c) => c.sqlite));
    db.close();
  });
});
