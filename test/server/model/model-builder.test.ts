import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChainqlApp } from '../../../server/app.ts';
import { appFor, gqlData, openStore, type TestStore } from '../fixtures.ts';

let store: TestStore;
let app: ChainqlApp;
const Rel = z.object({ v: z.string() });
const SAVED = ['1.0.9', '1.0.10', '1.0.0-rc.1', '2.0.0-beta.2', '1.0.0', '1.0.0-rc.10', '1.0.0-rc.2'];

beforeAll(async () => {
  store = await openStore();
  for (const version of SAVED) await store.save('rel', [{ v: version }], Rel, version);
  app = await appFor(store);
});
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

describe('served versions follow semver precedence (the semver package)', () => {
  it('lists versions oldest first: prereleases before their release, numeric parts as numbers', async () => {
    const data = await gqlData(app, '{ datasets { name versions { version } } }');
    const rel = data.datasets.find((d: { name: string }) => d.name === 'rel');
    expect(rel.versions.map((v: { version: string }) => v.version)).toEqual([
      '1.0.0-rc.1',
      '1.0.0-rc.2',
      '1.0.0-rc.10',
      '1.0.0',
      '1.0.9',
      '1.0.10',
      '2.0.0-beta.2',
    ]);
  });

  it('serves the highest version by default, and any other one by name', async () => {
    expect((await gqlData(app, '{ rel { v } }')).rel).toEqual([{ v: '2.0.0-beta.2' }]);
    expect((await gqlData(app, '{ rel(version: "1.0.0-rc.10") { v } }')).rel).toEqual([{ v: '1.0.0-rc.10' }]);
  });
});
