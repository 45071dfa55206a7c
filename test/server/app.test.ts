import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { gqlData, openStore, PHOTOS, Photo, type TestStore } from './fixtures.ts';

let store: TestStore;

beforeAll(async () => {
  store = await openStore();
  await store.save('photos', PHOTOS, Photo);
});
afterAll(async () => {
  await store?.dispose();
});

const ALL_FIELDS = '_id name size score ok kind taken big tags emb meta det { label confidence box { w h } }';

describe('createApp', () => {
  it('serves a data directory', async () => {
    const app = await createApp({ dataDir: store.dir, apiKeys: '' });
    try {
      expect(
        (await gqlData(app, '{ photos_aggregate { aggregate { count } } }')).photos_aggregate.aggregate.count,
      ).toBe(6);
    } finally {
      await app.close();
    }
  });

  it('serves a warehouse + registry pair', async () => {
    const app = await createApp({
      warehouse: store.session.warehouse,
      registry: store.session.registry,
      apiKeys: '',
    });
    try {
      expect((await gqlData(app, '{ datasets { name } }')).datasets).toEqual([{ name: 'photos' }]);
    } finally {
      await app.close();
    }
  });

  it('returns the same values through _aggregate.nodes (JSON path) as through rows', async () => {
    const app = await createApp({ session: store.session, apiKeys: '' });
    try {
      const data = await gqlData(
        app,
        `{ rows: photos(order_by: [{name: asc}]) { ${ALL_FIELDS} }
           agg: photos_aggregate(order_by: [{name: asc}]) { nodes { ${ALL_FIELDS} } } }`,
      );
      expect(data.agg.nodes).toEqual(data.rows);
      expect(data.rows).toHaveLength(6);
    } finally {
      await app.close();
    }
  });
});
