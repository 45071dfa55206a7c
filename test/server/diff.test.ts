import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readRecords } from '../../compute/chain/read.ts';
import type { ChainqlApp } from '../../server/app.ts';
import { appFor, gql, gqlData, openStore, type TestStore } from './fixtures.ts';

let store: TestStore;
let app: ChainqlApp;

const Item = z.object({
  sku: z.string(),
  price: z.number(),
  meta: z.object({ color: z.string().nullable() }),
});

beforeAll(async () => {
  store = await openStore();
  const save = (rows: z.input<typeof Item>[], version: string, key?: string[]) =>
    readRecords(rows, Item, { session: store.session }).save('items', {
      version,
      ...(key ? { primaryKey: key } : {}),
    });
  await save(
    [
      { sku: 'a', price: 1, meta: { color: 'red' } },
      { sku: 'b', price: 2, meta: { color: null } },
      { sku: 'c', price: 3, meta: { color: 'blue' } },
    ],
    '1.0.0',
    ['sku'],
  );
  await save(
    [
      { sku: 'a', price: 1, meta: { color: 'red' } }, // same
      { sku: 'b', price: 2, meta: { color: 'green' } }, // modified (meta.color, NULL → green)
      { sku: 'd', price: 4, meta: { color: null } }, // added
    ], // c deleted
    '1.1.0',
  );
  await readRecords([{ sku: 'x', price: 1, meta: { color: null } }], Item, { session: store.session }).save(
    'unkeyed',
  );
  app = await appFor(store);
});
afterAll(async () => {
  await app?.close();
  await store.dispose();
});

describe('<ds>_diff(from, to, on)', () => {
  it('labels the rows of the newer version and lists the deleted ones (key defaults to the primary key)', async () => {
    const data = await gqlData(app, '{ items_diff(from: "1.0.0") { sku price meta { color } diff } }');
    const rows = (data.items_diff as { sku: string; diff: string }[]).map((r) => [r.sku, r.diff]).sort();
    expect(rows).toEqual([
      ['a', 'same'],
      ['b', 'modified'],
      ['c', 'deleted'],
      ['d', 'added'],
    ]);
    const deleted = (data.items_diff as { sku: string; price: number }[]).find((r) => r.sku === 'c');
    expect(deleted?.price).toBe(3);
  });

  it('takes on, compare, status, where and an explicit to', async () => {
    const data = await gqlData(
      app,
      `{ items_diff(from: "1.0.0", to: "1.1.0", on: ["sku"], compare: ["price"], status: [added, deleted, modified]) { sku _diff } }`,
    );
    expect((data.items_diff as { sku: string }[]).map((r) => r.sku).sort()).toEqual(['c', 'd']);
    const filtered = await gqlData(
      app,
      '{ items_diff(from: "1.0.0", where: { price: { _gte: 2 } }, limit: 10) { sku diff } }',
    );
    expect((filtered.items_diff as { sku: string }[]).map((r) => r.sku).sort()).toEqual(['b', 'c', 'd']);
  });

  it('answers bad input with BAD_USER_INPUT', async () => {
    const noKey = await gql(app, '{ unkeyed_diff(from: "1.0.0") { sku } }');
    expect(noKey.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(noKey.errors?.[0]?.message).toMatch(/needs on/);
    const badField = await gql(app, '{ items_diff(from: "1.0.0", on: ["nope"]) { sku } }');
    expect(badField.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badVersion = await gql(app, '{ items_diff(from: "9.9.9") { sku } }');
    expect(badVersion.errors?.[0]?.message).toMatch(/9\.9\.9/);
  });
});
