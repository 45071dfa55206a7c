import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ChainqlApp, createApp } from '../../server/app.ts';
import { parseApiKeys, roleAllows } from '../../server/plugins/use-auth.ts';
import type { RegistryView } from '../../server/registry-view.ts';
import { isLoopbackHost, listen } from '../../server/serve.ts';
import { appFor, gql, gqlData, openStore, PHOTOS, Photo, type TestStore } from './fixtures.ts';

let store: TestStore;
let app: ChainqlApp;

const Slow = z.object({ text: z.string() });

beforeAll(async () => {
  store = await openStore();
  await store.save('photos', PHOTOS, Photo);
  // `^(a+)+$` backtracks exponentially on this text: a query that would run for minutes.
  await store.save('slow', [{ text: `${'a'.repeat(34)}!` }], Slow);
  app = await appFor(store, {
    limits: { timeoutMs: 1500, readThreads: 2, maxDepth: 5, maxAliases: 3, maxTokens: 400 },
  });
});
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

describe('auth', () => {
  let secured: ChainqlApp;
  beforeAll(async () => {
    secured = await appFor(store, { apiKeys: 'r1:reader, w1:writer,a1:admin' });
  });
  afterAll(async () => secured?.close());

  it('refuses requests without a key or with an unknown key (401, UNAUTHENTICATED)', async () => {
    const none = await gql(secured, '{ datasets { name } }');
    expect(none.status).toBe(401);
    expect(none.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(none.data ?? null).toBeNull();
    const wrong = await gql(secured, '{ datasets { name } }', undefined, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('accepts Authorization: Bearer and x-api-key', async () => {
    const bearer = await gql(secured, '{ photos_aggregate { aggregate { count } } }', undefined, {
      authorization: 'Bearer r1',
    });
    expect(bearer.data).toEqual({ photos_aggregate: { aggregate: { count: 6 } } });
    const header = await gql(secured, '{ photos_aggregate { aggregate { count } } }', undefined, {
      'x-api-key': 'w1',
    });
    expect(header.data).toEqual({ photos_aggregate: { aggregate: { count: 6 } } });
  });

  it('parses CHAINQL_API_KEYS and maps roles to operations', () => {
    expect([...parseApiKeys('k1:reader,k2:writer, k3:admin ,k4')]).toEqual([
      ['k1', 'reader'],
      ['k2', 'writer'],
      ['k3', 'admin'],
      ['k4', 'reader'],
    ]);
    expect(() => parseApiKeys('k1:root')).toThrow(/unknown role 'root'/);
    expect(roleAllows('reader', 'query')).toBe(true);
    expect(roleAllows('reader', 'mutation')).toBe(false);
    expect(roleAllows('writer', 'mutation')).toBe(true);
  });

  it('reads keys from the CHAINQL_API_KEYS environment variable', async () => {
    const saved = process.env.CHAINQL_API_KEYS;
    process.env.CHAINQL_API_KEYS = 'envkey:reader';
    try {
      const fromEnv = await createApp({ session: store.session });
      try {
        expect((await gql(fromEnv, '{ datasets { name } }')).status).toBe(401);
        expect(
          (await gql(fromEnv, '{ datasets { name } }', undefined, { 'x-api-key': 'envkey' })).status,
        ).toBe(200);
      } finally {
        await fromEnv.close();
      }
    } finally {
      if (saved === undefined) delete process.env.CHAINQL_API_KEYS;
      else process.env.CHAINQL_API_KEYS = saved;
    }
  });

  it('refuses to bind a non-loopback host without keys unless allowed', async () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    await expect(listen(app, { host: '0.0.0.0', port: 0 })).rejects.toMatchObject({ code: 'SERVER_CONFIG' });
    const running = await listen(secured, { host: '0.0.0.0', port: 0 });
    await running.close();
    const loopback = await listen(app, { host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(loopback.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ photos_aggregate { aggregate { count } } }' }),
      });
      expect(await response.json()).toEqual({ data: { photos_aggregate: { aggregate: { count: 6 } } } });
    } finally {
      await loopback.close();
    }
  });
});

describe('query limits', () => {
  it('rejects queries that are too deep, have too many aliases or tokens', async () => {
    const deep = await gql(
      app,
      '{ photos_aggregate { aggregate { max { det { box { w } } } } nodes { det { box { w } } } } }',
    );
    expect(deep.errors?.[0]?.message).toMatch(/depth/i);
    const aliases = await gql(
      app,
      '{ a: datasets { name } b: datasets { name } c: datasets { name } d: datasets { name } }',
    );
    expect(aliases.errors?.[0]?.message).toMatch(/alias/i);
    const tokens = await gql(app, `{ photos(where: {_or: [${'{size: {_eq: 1}}, '.repeat(60)}]}) { name } }`);
    expect(tokens.errors?.[0]?.message).toMatch(/token/i);
    // The server keeps answering.
    expect(
      (await gqlData(app, '{ photos_aggregate { aggregate { count } } }')).photos_aggregate.aggregate.count,
    ).toBe(6);
  });

  it('times out a slow query (TIMEOUT) while a fast one still answers at once', async () => {
    const started = Date.now();
    const slow = gql(app, '{ slow(where: {text: {_regex: "^(a+)+$"}}) { text } }');
    await new Promise((r) => setTimeout(r, 200));
    const fastStart = Date.now();
    const fast = await gqlData(app, '{ photos(where: {name: {_eq: "a.jpg"}}) { name } }');
    const fastMs = Date.now() - fastStart;
    expect(fast.photos).toEqual([{ name: 'a.jpg' }]);
    const slowResult = await slow;
    expect(slowResult.errors?.[0]?.extensions?.code).toBe('TIMEOUT');
    expect(fastMs).toBeLessThan(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(Date.now() - started).toBeLessThan(6000);
    // The interrupted worker is replaced.
    expect((await gqlData(app, '{ slow { text } }')).slow).toHaveLength(1);
  });
});

describe('malformed queries and errors', () => {
  it('answers syntax errors, unknown fields and wrong argument types clearly, and stays up', async () => {
    const syntax = await gql(app, '{ photos(where: { ');
    expect(syntax.errors?.[0]?.message).toMatch(/Syntax Error/);
    const unknown = await gql(app, '{ photos { nmae } }');
    expect(unknown.errors?.[0]?.message).toMatch(/Cannot query field "nmae".*Did you mean "name"/);
    const wrongType = await gql(app, '{ photos(limit: "ten") { name } }');
    expect(wrongType.errors?.[0]?.message).toMatch(/Int cannot represent/);
    const badDate = await gql(app, '{ photos(where: {taken: {_gt: "not a date"}}) { name } }');
    expect(badDate.errors?.[0]?.message).toMatch(/DateTime/);
    const badVar = await gql(app, 'query($l: Int) { photos(limit: $l) { name } }', { l: 'x' });
    expect(badVar.errors?.[0]?.message).toMatch(/\$l/);
    expect(badVar.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(syntax.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const notJson = await app.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(notJson.status).toBe(400);
    expect((await gqlData(app, '{ photos(limit: 1) { name } }')).photos).toHaveLength(1);
  });

  it('masks unexpected errors without leaking SQL, and logs them', async () => {
    const logged: unknown[] = [];
    const registry = store.session.registry;
    // A registry that claims a column the table does not have: the statement fails inside SQLite.
    const broken: RegistryView = {
      revision: () => registry.revision(),
      listDatasets: () => [{ name: 'photos' }],
      listVersions: async (name) =>
        (await registry.listVersions(name)).map((v) => ({
          ...v,
          schema: {
            ...v.schema,
            fields: { ...v.schema.fields, ghost: { type: { kind: 'int' }, nullable: true, optional: false } },
          },
        })),
    };
    const masked = await createApp({
      registry: broken,
      dbPath: (store.session.warehouse as unknown as { path: string }).path,
      apiKeys: '',
      logError: (e) => logged.push(e),
    });
    try {
      const result = await gql(masked, '{ photos { ghost } }');
      expect(result.errors?.[0]?.message).toBe('Unexpected error.');
      expect(JSON.stringify(result)).not.toMatch(/SELECT|ghost"|sqlite/i);
      expect(logged.length).toBeGreaterThan(0);
    } finally {
      await masked.close();
    }
  });

  it('answers DATASET_NOT_FOUND when a table vanishes under a built schema', async () => {
    await store.save('fleeting', [{ q: 1 }], z.object({ q: z.int() }));
    const version = await store.session.registry.getVersion('fleeting');
    expect((await gqlData(app, '{ fleeting { q } }')).fleeting).toEqual([{ q: 1 }]);
    await store.session.warehouse.dropTable(version.table);
    const result = await gql(app, '{ fleeting { q } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('DATASET_NOT_FOUND');
  });
});
