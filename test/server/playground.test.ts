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

async function page(target: ChainqlApp, headers: Record<string, string> = {}): Promise<string> {
  const response = await target.fetch('http://localhost/graphql', {
    headers: { accept: 'text/html', ...headers },
  });
  expect(response.status).toBe(200);
  return response.text();
}

/** The options object the page passes to GraphiQL (title, defaultQuery, headers). */
function pageConfig(html: string): { defaultQuery: string; headers?: string } {
  const match = /querySelector\('#root'\),\s*(\{.*\}),\s*\);/s.exec(html);
  expect(match, 'GraphiQL options on the page').not.toBeNull();
  return JSON.parse(match?.[1] ?? '{}') as { defaultQuery: string };
}

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
    // Keys are configured: new tabs start with the header to fill in.
    expect(html).toContain('x-api-key');
  });

  it('with API keys, the page served without a key names no dataset and no field', async () => {
    const html = await page(app);
    const config = pageConfig(html);
    expect(config.defaultQuery).toContain('query Datasets');
    for (const secret of ['photos', 'det', 'confidence', 'taken', 'emb', 'kind']) {
      expect(JSON.stringify(config).includes(secret), secret).toBe(false);
    }
    // The bundled GraphiQL code does not hold these either: nothing on the page names the data.
    expect(html.includes('photos'), 'dataset name on the page').toBe(false);
    expect(html.includes('confidence'), 'field name on the page').toBe(false);
    // An unknown key gets the same page; a valid key (e.g. added by a proxy) gets the dataset examples.
    expect(pageConfig(await page(app, { 'x-api-key': 'nope' })).defaultQuery).not.toContain('photos');
    expect(pageConfig(await page(app, { 'x-api-key': 'k' })).defaultQuery).toContain('photos(limit: 5)');
  });

  it('without API keys (loopback only), the page opens on the datasets present', async () => {
    const open = await appFor(store);
    try {
      expect(pageConfig(await page(open)).defaultQuery).toContain('photos(limit: 5)');
    } finally {
      await open.close();
    }
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
