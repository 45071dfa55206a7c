import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset } from '../../../compute/dataset/read-dataset.ts';
import { UnknownColumnError } from '../../../schema/errors.ts';
import { count } from '../../../schema/expr/agg.ts';
import type { ChainqlApp } from '../../../server/app.ts';
import { appFor, gql, openStore, PHOTOS, Photo, type TestStore } from '../fixtures.ts';

let store: TestStore;
let app: ChainqlApp;

beforeAll(async () => {
  store = await openStore();
  await store.save('photos', PHOTOS, Photo);
  app = await appFor(store);
});
afterAll(async () => {
  await app?.close();
  await store?.dispose();
});

async function chainSuggestions(path: string): Promise<readonly string[]> {
  try {
    await readDataset('photos', { session: store.session }).groupBy(path, { n: count() }).collect();
  } catch (error) {
    if (error instanceof UnknownColumnError) return error.suggestions;
    throw error;
  }
  throw new Error(`expected an unknown column for '${path}'`);
}

describe('unknown field paths in GraphQL arguments', () => {
  it.each([
    ['det.lable', "Did you mean 'det.label'?"],
    ['confidence', "Did you mean 'det.confidence'?"],
    ['det.bx', "Did you mean 'det.box'?"],
  ])('`by: ["%s"]` suggests what the chain API suggests for the same mistake', async (mistake, hint) => {
    const result = await gql(app, `{ photos_groups(by: ["${mistake}"]) { aggregate { count } } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toBe(`by: unknown field '${mistake}'. ${hint}`);
    expect(hint).toContain(`'${(await chainSuggestions(mistake))[0]}'`);
  });

  it('lists the known fields instead when no field is close to the mistake', async () => {
    const result = await gql(app, '{ photos_groups(by: ["zzzzzzzz"]) { aggregate { count } } }');
    expect(result.errors?.[0]?.message).toMatch(
      /^by: unknown field 'zzzzzzzz'\. Known fields: 'name', 'size',/,
    );
    expect(result.errors?.[0]?.message).not.toContain('Did you mean');
  });
});
