import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createRowDecoder,
  createRowEncoder,
  flattenSchema,
  fromZod,
  sqlType,
} from '../../../../schema/record/index.ts';
import { tempClickhouseWarehouse } from '../../../helpers/clickhouse-server.ts';
import { TYPE_CASES } from '../../../schema/record/type-cases.ts';

let warehouse: Awaited<ReturnType<typeof tempClickhouseWarehouse>>;
beforeAll(async () => {
  warehouse = await tempClickhouseWarehouse({ minInsertIntervalMs: 0 });
});
afterAll(async () => {
  await warehouse?.cleanup();
});

/** Stores rows of `schema` in a fresh ClickHouse table (types from `sqlType`) and reads them back decoded. */
async function throughClickhouse(
  table: string,
  schema: z.ZodObject,
  rows: readonly object[],
): Promise<Record<string, unknown>[]> {
  const columns = flattenSchema(fromZod(schema));
  await warehouse.createTable(
    table,
    [
      { name: 'rowid_', sqlType: 'Int64', nullable: false },
      ...columns.map((c) => ({ name: c.name, sqlType: sqlType(c, 'clickhouse'), nullable: c.nullable })),
    ],
    { orderBy: ['rowid_'] },
  );
  const encode = createRowEncoder(columns, 'clickhouse', { leadingSlots: 1 });
  await warehouse.insert(
    table,
    ['rowid_', ...columns.map((c) => c.name)],
    rows.map((row, i) => {
      const values = encode(row);
      values[0] = i;
      return values;
    }),
  );
  const raw = await warehouse.query(
    {
      sql: `SELECT ${columns.map((c) => `\`${c.name}\``).join(', ')} FROM \`${table}\` ORDER BY rowid_`,
      parameters: [],
    },
    { bigints: true },
  );
  return raw.map(createRowDecoder(columns, 'clickhouse'));
}

describe('encode → ClickHouse → decode round trip', () => {
  // The same cases as the SQLite round trip (test/schema/record/row-codec.test.ts): NULL stays NULL for every
  // type — arrays, vectors and records included — and an empty array or record stays empty.
  it.each(TYPE_CASES.map((c, i) => [c.name, c, i] as const))(
    '%s: required, nullable, optional, nullish and nested',
    async (_name, c, i) => {
      const schema = z.object({
        req: c.zod,
        nul: c.zod.nullable(),
        opt: c.zod.optional(),
        ish: c.zod.nullish(),
        a: z.object({ b: z.object({ c: z.object({ d: c.zod }) }) }),
        o: z.object({ e: c.zod }).nullable(),
      });
      const rows: Record<string, unknown>[] = [];
      const expected: Record<string, unknown>[] = [];
      for (const s of c.samples) {
        const a = { b: { c: { d: s } } };
        rows.push(
          { req: s, nul: s, opt: s, ish: s, a, o: { e: s } },
          { req: s, nul: null, ish: null, a, o: null },
        );
        expected.push(
          { req: s, nul: s, opt: s, ish: s, a, o: { e: s } },
          { req: s, nul: null, ish: null, a, o: null },
        );
      }
      for (const row of rows) expect(schema.safeParse(row).success).toBe(true);
      expect(await throughClickhouse(`codec_${i}`, schema, rows)).toStrictEqual(expected);
    },
  );
});
