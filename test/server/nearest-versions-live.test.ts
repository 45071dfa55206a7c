import { graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChainqlApp } from '../../server/app.ts';
import { appFor, gql, gqlData, openStore, PHOTOS, Photo, type TestStore } from './fixtures.ts';

let store: TestStore;
let app: ChainqlApp;

const PhotoV2 = Photo.extend({ extra: z.string().nullable().describe('Added in 2.0.0') });

beforeAll(async () => {
  store = await openStore();
  await store.save('photos', PHOTOS, Photo, '1.0.0');
  await store.save(
    'photos',
    PHOTOS.slice(0, 2).map((p, i) => ({ ...p, extra: `v2-${i}` })),
    PhotoV2,
    '2.0.0',
  );
  app = await appFor(store);
});
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

describe('<ds>_nearest', () => {
  const nearest = async (args: string) =>
    (await gqlData(app, `{ photos_nearest(${args}, version: "1.0.0") { name distance } }`))
      .photos_nearest as {
      name: string;
      distance: number;
    }[];

  it('returns the k nearest rows by cosine distance, skipping NULL vectors', async () => {
    const rows = await nearest('field: emb, vector: [1, 0, 0], k: 3');
    expect(rows.map((r) => r.name)).toEqual(['a.jpg', 'c.png', "o'brien; DROP TABLE x;--"]);
    expect(rows[0]?.distance).toBeCloseTo(0, 10);
    expect(rows[1]?.distance).toBeCloseTo(1 - 0.9 / Math.sqrt(0.82), 10);
    expect(rows[2]?.distance).toBeCloseTo(1 - 1 / Math.SQRT2, 10);
  });

  it('supports the l2 metric, a string field path and a where filter', async () => {
    const rows = await nearest(
      'field: "emb", vector: [1, 0, 0], k: 10, metric: l2, where: {kind: {_eq: dog}}',
    );
    expect(rows.map((r) => r.name)).toEqual(['c.png', 'B.jpg']);
    expect(rows[0]?.distance).toBeCloseTo(Math.sqrt(0.02), 10);
    expect(rows[1]?.distance).toBeCloseTo(Math.SQRT2, 10);
  });

  it('rejects a vector of the wrong length and a field that is not a vector', async () => {
    const dims = await gql(app, '{ photos_nearest(field: emb, vector: [1, 0]) { name } }');
    expect(dims.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(dims.errors?.[0]?.message).toMatch(/3 dimensions/);
    const field = await gql(app, '{ photos_nearest(field: name, vector: [1, 0, 0]) { name } }');
    expect(field.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('<ds>_by_id', () => {
  it('finds a row by its _id and returns null for unknown ids', async () => {
    const listed = await gqlData(
      app,
      '{ photos(order_by: [{name: asc}], limit: 1, version: "1.0.0") { _id name } }',
    );
    const id = listed.photos[0]._id as string;
    const found = await gqlData(
      app,
      `{ photos_by_id(id: "${id}", version: "1.0.0") { _id name det { box { w } } } }`,
    );
    expect(found.photos_by_id).toEqual({ _id: id, name: 'B.jpg', det: { box: { w: 20 } } });
    const missing = await gqlData(
      app,
      '{ a: photos_by_id(id: "999999") { name } b: photos_by_id(id: "x\' OR 1=1") { name } }',
    );
    expect(missing).toEqual({ a: null, b: null });
  });
});

describe('versions', () => {
  it('serves the newest version by default and older ones on request', async () => {
    const data = await gqlData(
      app,
      '{ latest: photos_aggregate { aggregate { count } } old: photos_aggregate(version: "1.0.0") { aggregate { count } } }',
    );
    expect(data).toEqual({ latest: { aggregate: { count: 2 } }, old: { aggregate: { count: 6 } } });
  });

  it('reads fields added later as null in older versions', async () => {
    const data = await gqlData(
      app,
      '{ v2: photos(limit: 1) { name extra } v1: photos(limit: 1, version: "1.0.0", where: {extra: {_is_null: true}}) { name extra } }',
    );
    expect(data).toEqual({ v2: [{ name: 'a.jpg', extra: 'v2-0' }], v1: [{ name: 'a.jpg', extra: null }] });
  });

  it('answers VERSION_NOT_FOUND for an unknown version', async () => {
    const result = await gql(app, '{ photos(version: "9.9.9") { name } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('VERSION_NOT_FOUND');
  });

  it('lists datasets with versions, row counts, dates and stored schema', async () => {
    const data = await gqlData(
      app,
      '{ datasets { name graphql_name versions { version rows createdAt schema } } }',
    );
    const photos = data.datasets.find((d: { name: string }) => d.name === 'photos');
    expect(photos.graphql_name).toBe('photos');
    expect(photos.versions.map((v: { version: string; rows: number }) => [v.version, v.rows])).toEqual([
      ['1.0.0', 6],
      ['2.0.0', 2],
    ]);
    expect(Number.isFinite(Date.parse(photos.versions[0].createdAt))).toBe(true);
    expect(Object.keys(photos.versions[1].schema.fields)).toContain('extra');
    expect(photos.versions[1].schema.fields.extra.description).toBe('Added in 2.0.0');
  });
});

describe('live schema', () => {
  it('exposes a dataset saved after start without a restart, and keeps the cached schema otherwise', async () => {
    const before = await gql(app, '{ later(limit: 1) { x } }');
    expect(before.errors?.[0]?.message).toMatch(/later/);
    const schema1 = await app.currentSchema();
    expect(await app.currentSchema()).toBe(schema1);

    await store.save('later', [{ x: 1 }, { x: 2 }], z.object({ x: z.int() }));
    const after = await gqlData(
      app,
      '{ later(order_by: [{x: desc}]) { x } later_aggregate { aggregate { count } } }',
    );
    expect(after).toEqual({ later: [{ x: 2 }, { x: 1 }], later_aggregate: { aggregate: { count: 2 } } });
    expect(await app.currentSchema()).not.toBe(schema1);
  });

  it('lets a request that started on an older schema finish on it', async () => {
    const old = await app.currentSchema();
    await store.save('brandnew', [{ b: 1 }], z.object({ b: z.int() }));
    const fresh = await app.currentSchema();
    expect(fresh).not.toBe(old);
    expect(old.getQueryType()?.getFields().brandnew).toBeUndefined();
    expect(fresh.getQueryType()?.getFields().brandnew).toBeDefined();
    const result = await graphql({
      schema: old,
      source: '{ later(order_by: [{x: asc}]) { x } }',
      contextValue: {},
    });
    expect(result).toEqual({ data: { later: [{ x: 1 }, { x: 2 }] } });
  });

  it('drops a deleted dataset from the schema', async () => {
    await store.save('gone', [{ y: 'a' }], z.object({ y: z.string() }));
    expect((await gqlData(app, '{ gone { y } }')).gone).toEqual([{ y: 'a' }]);
    await store.session.registry.deleteVersion('gone', '1.0.0');
    const result = await gql(app, '{ gone { y } }');
    expect(result.errors?.[0]?.message).toMatch(/gone/);
  });

  it('sees saves made by another process (through the persisted revision)', async () => {
    const { openSession } = await import('../../compute/session.ts');
    const { readRecords } = await import('../../compute/chain/read.ts');
    const other = await openSession({ dataDir: store.dir });
    try {
      await readRecords([{ z: true }], z.object({ z: z.boolean() }), { session: other }).save('elsewhere');
    } finally {
      await other.close();
    }
    expect((await gqlData(app, '{ elsewhere { z } }')).elsewhere).toEqual([{ z: true }]);
  });
});
