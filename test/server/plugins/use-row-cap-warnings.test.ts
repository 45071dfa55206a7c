import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainqlApp } from '../../../server/app.ts';
import { appFor, gql, openStore, PHOTOS, Photo, postJson, type TestStore } from '../fixtures.ts';

let store: TestStore;
let app: ChainqlApp;
const CAP = 3;

function warningsOf(
  json: unknown,
): { code: string; path: (string | number)[]; cap: number; message: string }[] {
  return ((json as { extensions?: { warnings?: never[] } }).extensions?.warnings ?? []) as never[];
}

beforeAll(async () => {
  store = await openStore();
  await store.save('photos', PHOTOS, Photo);
  app = await appFor(store, { limits: { defaultLimit: CAP, maxLimit: 50 } });
});
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

describe('row cap warnings', () => {
  it('a row field cut at the default cap says so in extensions.warnings, naming the field and the cap', async () => {
    const { json } = await postJson(app, { query: '{ photos { name } }' });
    expect((json as { data: { photos: unknown[] } }).data.photos).toHaveLength(CAP);
    const [warning, ...rest] = warningsOf(json);
    expect(rest).toEqual([]);
    expect(warning).toMatchObject({ code: 'ROW_CAP', path: ['photos'], cap: CAP });
    expect(warning?.message).toContain('photos');
    expect(warning?.message).toContain(`first ${CAP} rows`);
    expect(warning?.message).toMatch(/limit.*at most 50/);
  });

  it('names the response path as sent (aliases), for rows, groups and aggregate nodes', async () => {
    const { json } = await postJson(app, {
      query: `{
        a: photos { name }
        g: photos_groups(by: ["kind"]) { key { kind } aggregate { count } }
        agg: photos_aggregate { aggregate { count } n: nodes { name } }
      }`,
    });
    const data = (json as { data: { a: unknown[]; g: unknown[]; agg: { n: unknown[] } } }).data;
    expect(data.a).toHaveLength(CAP);
    expect(data.g).toHaveLength(3); // cat, dog, bird: exactly the cap, so more groups may exist
    expect(data.agg.n).toHaveLength(CAP);
    expect(
      warningsOf(json)
        .map((w) => w.path.join('.'))
        .sort(),
    ).toEqual(['a', 'agg.n', 'g']);
  });

  it('says nothing when the query gives its own limit, or when fewer rows than the cap match', async () => {
    const explicit = await postJson(app, {
      query: `{ photos(limit: ${CAP}) { name } photos_aggregate(limit: ${CAP}) { nodes { name } } }`,
    });
    expect((explicit.json as { data: { photos: unknown[] } }).data.photos).toHaveLength(CAP);
    expect((explicit.json as { extensions?: unknown }).extensions).toBeUndefined();
    const few = await postJson(app, { query: '{ photos(where: { kind: { _eq: dog } }) { name } }' });
    expect((few.json as { data: { photos: unknown[] } }).data.photos.length).toBeLessThan(CAP);
    expect(warningsOf(few.json)).toEqual([]);
    const variable = await postJson(app, {
      query: 'query($n: Int) { photos(limit: $n) { name } }',
      variables: { n: CAP },
    });
    expect(warningsOf(variable.json)).toEqual([]);
  });

  it('each operation of a batch carries its own warnings', async () => {
    const { json } = await postJson(app, [
      { query: '{ photos { name } }' },
      { query: '{ photos(limit: 2) { name } }' },
    ]);
    const [first, second] = json as unknown[];
    expect(warningsOf(first).map((w) => w.path)).toEqual([['photos']]);
    expect(warningsOf(second)).toEqual([]);
  });

  it('CHAINQL_DEFAULT_LIMIT sets the cap for `chainql serve`; a cap outside 1..maxLimit is refused', async () => {
    const saved = process.env.CHAINQL_DEFAULT_LIMIT;
    try {
      process.env.CHAINQL_DEFAULT_LIMIT = '2';
      const fromEnv = await appFor(store);
      try {
        const { json } = await postJson(fromEnv, { query: '{ photos { name } }' });
        expect(warningsOf(json)).toMatchObject([{ path: ['photos'], cap: 2 }]);
      } finally {
        await fromEnv.close();
      }
      process.env.CHAINQL_DEFAULT_LIMIT = 'lots';
      await expect(appFor(store)).rejects.toThrow(/CHAINQL_DEFAULT_LIMIT must be a whole number/);
    } finally {
      if (saved === undefined) delete process.env.CHAINQL_DEFAULT_LIMIT;
      else process.env.CHAINQL_DEFAULT_LIMIT = saved;
    }
    await expect(appFor(store, { limits: { defaultLimit: 0 } })).rejects.toThrow(/defaultLimit must be/);
    await expect(appFor(store, { limits: { defaultLimit: 20, maxLimit: 10 } })).rejects.toThrow(
      /from 1 to limits.maxLimit \(10\)/,
    );
  });

  it('the cap is configurable: limits.defaultLimit', async () => {
    const roomy = await appFor(store, { limits: { defaultLimit: 1000 } });
    try {
      const result = await gql(roomy, '{ photos { name } }');
      expect(result.data?.photos).toHaveLength(PHOTOS.length);
      expect((result as { extensions?: unknown }).extensions).toBeUndefined();
    } finally {
      await roomy.close();
    }
  });
});
