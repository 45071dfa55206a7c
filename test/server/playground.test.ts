import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainqlApp } from '../../server/app.ts';
import { exampleQuery } from '../../server/playground.ts';
import { appFor, gqlData, openStore, PHOTOS, Photo, type TestStore } from './fixtures.ts';

let store: TestStore;
let app: ChainqlApp;

beforeAll(async () => {
  store = await openStore();
  await store.save('photos', PHOTOS, Photo);
  app = await appFor(store, { apiKeys: 'k:reader' });
});
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

describe('GraphiQL playground', () => {
  it('serves GraphiQL to browsers at /graphql with every asset inlined (no network needed)', async () => {
    const response = await app.fetch('http://localhost/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toMatch(/graphiql/i);
    // No external scripts or stylesheets: everything the page needs is in the page.
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/i);
    expect(html).not.toMatch(/<link[^>]+href=["']https?:/i);
    // The default query shows the datasets present.
    expect(html).toContain('photos(limit: 5)');
    // Keys are configured: new tabs start with the header to fill in.
    expect(html).toContain('x-api-key');
  });

  it('opens with a query that runs as is and returns rows', async () => {
    const query = exampleQuery(
      await (async () => {
        const { loadServedModel } = await import('../../server/model/model-builder.ts');
        return loadServedModel(store.session.registry);
      })(),
    );
    expect(query).toMatch(/photos_aggregate/);
    const secured = await gqlData(
      {
        fetch: (url: string, init: RequestInit) =>
          app.fetch(url, { ...init, headers: { ...init.headers, 'x-api-key': 'k' } }),
      } as unknown as ChainqlApp,
      query,
    );
    expect(secured.photos).toHaveLength(5);
    expect(secured.photos_aggregate.aggregate.count).toBe(6);
  });
});
