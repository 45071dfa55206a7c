import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainqlApp } from '../../../server/app.ts';
import { countTokens } from '../../../server/plugins/use-batch-limits.ts';
import { appFor, openStore, PHOTOS, Photo, postJson, type TestStore } from '../fixtures.ts';

let store: TestStore;
let app: ChainqlApp;

type Body = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
};

const COUNT = '{ photos_aggregate { aggregate { count } } }';

beforeAll(async () => {
  store = await openStore();
  await store.save('photos', PHOTOS, Photo);
  app = await appFor(store, { limits: { maxBatchSize: 3, maxTokens: 60 } });
});
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

describe('batched requests', () => {
  it('a JSON array of operations gets an array of results, in order, each with its own errors', async () => {
    const { status, json } = await postJson(app, [
      { query: COUNT },
      {
        query: 'query($k: photos_kind_enum) { photos(where: { kind: { _eq: $k } }) { name } }',
        variables: { k: 'dog' },
      },
      { query: '{ photos(limit: -1) { name } }' },
    ]);
    expect(status).toBe(200);
    expect(Array.isArray(json)).toBe(true);
    const [a, b, c] = json as Body[];
    expect(a?.data).toEqual({ photos_aggregate: { aggregate: { count: PHOTOS.length } } });
    expect(b?.data?.photos).toHaveLength(PHOTOS.filter((p) => p.kind === 'dog').length);
    expect(c?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(c?.errors?.[0]?.message).toMatch(/limit must not be negative/);
  });

  it('refuses a batch over limits.maxBatchSize with a clear BAD_USER_INPUT naming the limit (HTTP 413)', async () => {
    const { status, json } = await postJson(
      app,
      Array.from({ length: 4 }, () => ({ query: COUNT })),
    );
    expect(status).toBe(413);
    const error = (json as Body).errors?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toBe(
      'A batch may hold at most 3 operations (limits.maxBatchSize); this one has 4.',
    );
  });

  it('the operations of a batch share the maxTokens budget of one request', async () => {
    const tokens = countTokens(COUNT);
    expect(tokens).toBe(9);
    // 9 tokens each: two fit in a budget of 20, the third goes past it (27).
    const small = await appFor(store, { limits: { maxBatchSize: 10, maxTokens: 20 } });
    try {
      const { json } = await postJson(small, [{ query: COUNT }, { query: COUNT }, { query: COUNT }]);
      const [a, b, c] = json as Body[];
      expect(a?.data).toBeTruthy();
      expect(b?.data).toBeTruthy();
      expect(c?.data ?? null).toBeNull();
      expect(c?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(c?.errors?.[0]?.message).toMatch(/27 tokens.*at most 20 \(limits\.maxTokens\)/);
      // The same operation alone is fine.
      const { json: alone } = await postJson(small, { query: COUNT });
      expect((alone as Body).data).toBeTruthy();
    } finally {
      await small.close();
    }
  });

  it('each operation of a batch is checked by auth and by the per-operation limits', async () => {
    const secured = await appFor(store, { apiKeys: 'r:reader', limits: { maxDepth: 3 } });
    try {
      const unauth = await postJson(secured, [{ query: COUNT }]);
      expect(JSON.stringify(unauth.json)).toContain('UNAUTHENTICATED');
      expect(JSON.stringify(unauth.json)).not.toContain('"count"');
      const { json } = await postJson(
        secured,
        [{ query: COUNT }, { query: '{ photos { det { box { w } } } }' }],
        { 'x-api-key': 'r' },
      );
      const [ok, deep] = json as Body[];
      expect(ok?.data).toEqual({ photos_aggregate: { aggregate: { count: PHOTOS.length } } });
      expect(deep?.errors?.[0]?.message).toMatch(/depth/i);
    } finally {
      await secured.close();
    }
  });

  it('limits.maxBatchSize 0 turns batching off', async () => {
    const off = await appFor(store, { limits: { maxBatchSize: 0 } });
    try {
      const { status, json } = await postJson(off, [{ query: COUNT }]);
      expect(status).toBe(400);
      expect((json as Body).errors?.[0]?.message).toMatch(/turned off.*maxBatchSize is 0/);
      expect((json as Body).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    } finally {
      await off.close();
    }
  });
});
