import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainqlApp } from '../../../server/app.ts';
import { listen } from '../../../server/serve.ts';
import { appFor, openStore, PHOTOS, Photo, type TestStore } from '../fixtures.ts';

let store: TestStore;
let app: ChainqlApp;
let server: Awaited<ReturnType<typeof listen>>;

const LIMIT = 2000;
const COUNT = JSON.stringify({ query: '{ photos_aggregate { aggregate { count } } }' });

beforeAll(async () => {
  store = await openStore();
  await store.save('photos', PHOTOS, Photo);
  app = await appFor(store, { limits: { maxBodyBytes: LIMIT } });
  server = await listen(app, { port: 0 });
});
afterAll(async () => {
  await server?.close();
  await app?.close();
  await store?.dispose();
});

/** POSTs `chunks` to /graphql, with a Content-Length header unless `chunked` (then Transfer-Encoding: chunked). */
function post(chunks: string[], chunked: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = chunks.join('');
    const url = new URL('/graphql', server.url);
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(chunked ? {} : { 'content-length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    if (chunked) for (const c of chunks) req.write(c);
    else req.write(body);
    req.end();
  });
}

describe('request body limit (limits.maxBodyBytes)', () => {
  it('answers bodies under the limit, with or without a Content-Length', async () => {
    for (const chunked of [false, true]) {
      const { status, body } = await post([COUNT.slice(0, 10), COUNT.slice(10)], chunked);
      expect(status, body).toBe(200);
      expect(JSON.parse(body).data.photos_aggregate.aggregate.count).toBe(PHOTOS.length);
    }
  });

  it('refuses a declared Content-Length over the limit with 413 REQUEST_ENTITY_TOO_LARGE', async () => {
    const big = JSON.stringify({ query: `{ photos { name } } # ${'x'.repeat(LIMIT)}` });
    const { status, body } = await post([big], false);
    expect(status).toBe(413);
    expect(JSON.parse(body).errors[0]).toMatchObject({
      message: `Request body too large: the limit is ${LIMIT} bytes.`,
      extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' },
    });
  });

  it('counts a chunked body as it arrives and refuses it once it passes the limit', async () => {
    const big = JSON.stringify({ query: `{ photos { name } } # ${'x'.repeat(LIMIT)}` });
    const { status, body } = await post([big.slice(0, 1000), big.slice(1000)], true);
    expect(status).toBe(413);
    expect(body).toContain('REQUEST_ENTITY_TOO_LARGE');
  });
});
