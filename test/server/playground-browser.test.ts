/**
 * The GraphiQL playground in a real (headless) Chromium with every non-loopback request blocked: the page
 * must load from the server alone and run its example query.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainqlApp } from '../../server/app.ts';
import { listen, type RunningServer } from '../../server/serve.ts';
import { appFor, openStore, PHOTOS, Photo, type TestStore } from './fixtures.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots land in test-output/ (git-ignored) so a reviewer can look at the page. */
const OUTPUT_DIR = fileURLToPath(new URL('../../test-output/', import.meta.url));

let store: TestStore;
let app: ChainqlApp;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  store = await openStore();
  await store.save('photos', PHOTOS, Photo);
  app = await appFor(store);
  server = await listen(app, { port: 0, host: '127.0.0.1', allowUnauthenticated: false });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await app?.close();
  await store?.dispose();
});

describe('GraphiQL in a browser without internet access', () => {
  it('loads only from the server and runs the example query', async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:')
        return route.continue();
      external.push(url.href);
      return route.abort();
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForSelector('.graphiql-container', { timeout: 60_000 });
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(
      () => document.querySelector('.result-window')?.textContent?.includes('"data"'),
      null,
      {
        timeout: 60_000,
      },
    );
    const result = (await page.textContent('.result-window')) ?? '';
    expect(result).toContain('photos');
    expect(result).not.toContain('"errors"');
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'graphiql-playground.png'), fullPage: true });
    expect(statSync(join(OUTPUT_DIR, 'graphiql-playground.png')).size).toBeGreaterThan(1000);
  }, 120_000);
});
