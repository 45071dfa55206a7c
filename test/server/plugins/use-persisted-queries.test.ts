import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainqlApp } from '../../../server/app.ts';
import { appFor, openStore, PHOTOS, Photo, postJson, type TestStore } from '../fixtures.ts';

let store: TestStore;
let app: ChainqlApp;

type Body = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
};

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const persisted = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(query) } });

beforeAll(async () => {
  store = await openStore();
  await store.save('photos', PHOTOS, Photo);
  app = await appFor(store);
});
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

describe('automatic persisted queries (Apollo protocol)', () => {
  it('hash only → PERSISTED_QUERY_NOT_FOUND; hash + text → runs and is stored; then hash only runs it', async () => {
    const query = `{ photos_aggregate { aggregate { count } } } # ${Math.random()}`;
    const extensions = persisted(query);

    const miss = await postJson(app, { extensions });
    expect(miss.status).toBe(404);
    expect((miss.json as Body).errors?.[0]).toMatchObject({
      message: 'PersistedQueryNotFound',
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
    });

    const register = await postJson(app, { query, extensions });
    expect(register.status).toBe(200);
    expect((register.json as Body).data).toEqual({
      photos_aggregate: { aggregate: { count: PHOTOS.length } },
    });

    const hit = await postJson(app, { extensions });
    expect(hit.status).toBe(200);
    expect((hit.json as Body).data).toEqual({ photos_aggregate: { aggregate: { count: PHOTOS.length } } });

    // GET with the hash in the URL (Apollo's useGETForHashedQueries), variables included.
    const url = new URL('http://localhost/graphql');
    url.searchParams.set('extensions', JSON.stringify(extensions));
    const get = await app.fetch(url, { headers: { accept: 'application/json' } });
    expect(get.status).toBe(200);
    expect(((await get.json()) as Body).data).toEqual({
      photos_aggregate: { aggregate: { count: PHOTOS.length } },
    });
  });

  it('stored queries take variables, and work inside a batch', async () => {
    const query = 'query($k: photos_kind_enum) { photos(where: { kind: { _eq: $k } }) { name } }';
    const extensions = persisted(query);
    await postJson(app, { query, extensions, variables: { k: 'cat' } });
    const { json } = await postJson(app, [
      { extensions, variables: { k: 'dog' } },
      { extensions: persisted('{ never_sent }') },
    ]);
    const [dogs, unknown] = json as Body[];
    expect(dogs?.data?.photos).toHaveLength(PHOTOS.filter((p) => p.kind === 'dog').length);
    expect(unknown?.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('a wrong hash is refused (PERSISTED_QUERY_MISMATCH) and stores nothing under it', async () => {
    const query = `{ photos(limit: 1) { name } } # ${Math.random()}`;
    const wrong = { persistedQuery: { version: 1, sha256Hash: sha256(`${query} `) } };
    const mismatch = await postJson(app, { query, extensions: wrong });
    expect(mismatch.status).toBe(400);
    expect((mismatch.json as Body).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_MISMATCH');
    expect((mismatch.json as Body).data ?? null).toBeNull();
    const after = await postJson(app, { extensions: wrong });
    expect((after.json as Body).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    // Malformed extensions are BAD_USER_INPUT, not a crash.
    const version = await postJson(app, {
      query,
      extensions: { persistedQuery: { version: 2, sha256Hash: sha256(query) } },
    });
    expect((version.json as Body).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const notHex = await postJson(app, { extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } });
    expect((notHex.json as Body).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('with API keys, a caller without a key cannot store a query', async () => {
    const secured = await appFor(store, { apiKeys: 'k:reader' });
    try {
      const query = `{ photos(limit: 2) { name } } # ${Math.random()}`;
      const extensions = persisted(query);
      const unauth = await postJson(secured, { query, extensions });
      expect(unauth.status).toBe(401);
      const probe = await postJson(secured, { extensions }, { 'x-api-key': 'k' });
      expect((probe.json as Body).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      await postJson(secured, { query, extensions }, { 'x-api-key': 'k' });
      const hit = await postJson(secured, { extensions }, { 'x-api-key': 'k' });
      expect((hit.json as Body).data?.photos).toHaveLength(2);
      // Knowing the hash is not a key: the stored query still needs one.
      const noKey = await postJson(secured, { extensions });
      expect(noKey.status).toBe(401);
    } finally {
      await secured.close();
    }
  });
});
