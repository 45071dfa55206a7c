import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChainqlApp } from '../../server/app.ts';
import { appFor, gql, gqlData, openStore, type TestStore } from './fixtures.ts';

// Hostile strings in every argument that reaches SQL must be bound as values (or rejected), never run.
const HOSTILE = [
  "'; DROP TABLE users; --",
  '" OR 1=1 --',
  "x') UNION SELECT sql FROM sqlite_master --",
  "%' OR '1'='1",
  "\\\"; ATTACH DATABASE '/tmp/pwn.db' AS pwn; --",
  'NULL); DELETE FROM users; --',
];

let store: TestStore;
let app: ChainqlApp;
const Row = z.object({ name: z.string(), n: z.int(), sub: z.object({ s: z.string() }) });

beforeAll(async () => {
  store = await openStore();
  await store.save(
    'users',
    [...HOSTILE.map((h, i) => ({ name: h, n: i, sub: { s: h } })), { name: 'plain', n: 99, sub: { s: 'p' } }],
    Row,
  );
  // Dataset names with characters GraphQL (and SQL) would choke on.
  await store.save('evil-name.v1', [{ name: 'e', n: 1, sub: { s: 'e' } }], Row);
  await store.save('evil_name_v1', [{ name: 'f', n: 2, sub: { s: 'f' } }], Row);
  app = await appFor(store);
});
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

async function tableIntact(): Promise<void> {
  const data = await gqlData(app, '{ users_aggregate { aggregate { count } } datasets { name } }');
  expect(data.users_aggregate.aggregate.count).toBe(HOSTILE.length + 1);
  expect(data.datasets.map((d: { name: string }) => d.name).sort()).toEqual([
    'evil-name.v1',
    'evil_name_v1',
    'users',
  ]);
}

describe('SQL injection', () => {
  it.each(HOSTILE)('string comparisons bind %j as a value', async (hostile) => {
    const v = { h: hostile };
    const eq = await gqlData(app, 'query($h: String) { users(where: {name: {_eq: $h}}) { n } }', v);
    expect(eq.users).toEqual([{ n: HOSTILE.indexOf(hostile) }]);
    const nested = await gqlData(
      app,
      'query($h: String!) { users(where: {sub: {s: {_in: [$h]}}}) { n } }',
      v,
    );
    expect(nested.users).toEqual([{ n: HOSTILE.indexOf(hostile) }]);
    for (const op of ['_like', '_ilike', '_nlike', '_nilike', '_gt', '_lt', '_neq', '_regex']) {
      const result = await gql(app, `query($h: String) { users(where: {name: {${op}: $h}}) { n } }`, v);
      // Either rows (bound as a value) or a BAD_USER_INPUT (invalid regex) — never a SQL error.
      if (result.errors) expect(result.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    await tableIntact();
  });

  it.each(HOSTILE)('paths, versions and ids reject %j cleanly', async (hostile) => {
    const v = { h: hostile };
    const version = await gql(app, 'query($h: String) { users(version: $h) { n } }', v);
    expect(version.errors?.[0]?.extensions?.code).toBe('VERSION_NOT_FOUND');
    const by = await gql(app, 'query($h: FieldPath!) { users_groups(by: [$h]) { aggregate { count } } }', v);
    expect(by.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const id = await gql(app, 'query($h: ID!) { users_by_id(id: $h) { n } }', v);
    expect(id.data).toEqual({ users_by_id: null });
    const having = await gql(
      app,
      'query($h: Float) { users_groups(by: ["name"], having: {sum: {n: {_gt: $h}}}) { aggregate { count } } }',
      v,
    );
    expect(having.errors?.[0]?.message).toMatch(/Float/);
    await tableIntact();
  });

  it('serves datasets whose names are not GraphQL names, without collisions', async () => {
    const data = await gqlData(
      app,
      '{ evil_name_v1 { name } evil_name_v1_2 { name } datasets { name graphql_name } }',
    );
    expect(data.evil_name_v1).toEqual([{ name: 'f' }]);
    expect(data.evil_name_v1_2).toEqual([{ name: 'e' }]);
    const mapping = Object.fromEntries(
      data.datasets.map((d: { name: string; graphql_name: string }) => [d.name, d.graphql_name]),
    );
    expect(mapping['evil-name.v1']).toBe('evil_name_v1_2');
  });
});
