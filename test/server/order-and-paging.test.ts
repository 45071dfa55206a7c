import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainqlApp } from '../../server/app.ts';
import { WAREHOUSES } from '../helpers/temp-session.ts';
import { appFor, gql, gqlData, openStore, PHOTOS, Photo, type TestStore } from './fixtures.ts';

describe.each(WAREHOUSES)('on %s', (warehouse) => {
  let store: TestStore;
  let app: ChainqlApp;

  beforeAll(async () => {
    store = await openStore(warehouse);
    await store.save('photos', PHOTOS, Photo);
    app = await appFor(store, { limits: { defaultLimit: 4, maxLimit: 50 } });
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  const A = 'a.jpg';
  const B = 'B.jpg';
  const C = 'c.png';
  const D = 'd%_.png';
  const E = 'élan';
  const O = "o'brien; DROP TABLE x;--";

  async function names(args: string): Promise<string[]> {
    const data = await gqlData(app, `{ photos(${args}) { name } }`);
    return (data.photos as { name: string }[]).map((r) => r.name);
  }

  describe('order_by', () => {
    it.each([
      ['asc puts nulls last (ties by row id)', '[{size: asc}]', [O, E, A, C, D, B]],
      ['desc puts nulls first', '[{size: desc}]', [B, C, D, A, E, O]],
      ['asc_nulls_first', '[{size: asc_nulls_first}]', [B, O, E, A, C, D]],
      ['desc_nulls_last', '[{size: desc_nulls_last}]', [C, D, A, E, O, B]],
      ['nested field desc', '[{det: {confidence: desc}}]', [C, D, A, E, B, O]],
      ['depth-3 field', '[{det: {box: {w: desc}}}, {name: asc}]', [B, A, E, D, C, O]],
      ['several keys', '[{kind: asc}, {name: desc}]', [D, E, O, A, C, B]],
      ['by row id', '[{_id: desc}]', [O, E, D, C, B, A]],
      ['strings sort by bytes', '[{name: asc}]', [B, A, C, D, O, E]],
      ['a single object is a one-item list', '{name: asc}', [B, A, C, D, O, E]],
    ])('%s', async (_label, orderBy, expected) => {
      expect(await names(`order_by: ${orderBy}, limit: 50`)).toEqual(expected);
    });

    it('rejects an object with several keys, saying how to fix it', async () => {
      const result = await gql(app, '{ photos(order_by: [{size: asc, name: desc}]) { name } }');
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(/exactly one key.*\[\{a: asc\}, \{b: desc\}\]/);
    });

    it('rejects several keys inside a nested object', async () => {
      const result = await gql(app, '{ photos(order_by: [{det: {label: asc, confidence: desc}}]) { name } }');
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(/det/);
    });
  });

  describe('limit and offset', () => {
    it('pages through a sorted result', async () => {
      expect(await names('order_by: [{name: asc}], limit: 2, offset: 1')).toEqual([A, C]);
    });

    it('applies the default limit when none is given', async () => {
      expect(await names('order_by: [{name: asc}]')).toHaveLength(4);
    });

    it('rejects a limit above the maximum', async () => {
      const result = await gql(app, '{ photos(limit: 1000000) { name } }');
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(/maximum of 50/);
    });

    it('rejects negative offsets', async () => {
      const result = await gql(app, '{ photos(offset: -1) { name } }');
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('row values', () => {
    it('returns every leaf type in its GraphQL form', async () => {
      const data = await gqlData(
        app,
        '{ photos(where: {name: {_eq: "a.jpg"}}) { _id name size score ok kind taken big tags emb meta det { label confidence box { w h } } } }',
      );
      expect(data.photos).toEqual([
        {
          _id: '1',
          name: 'a.jpg',
          size: 10,
          score: 0.5,
          ok: true,
          kind: 'cat',
          taken: '2024-01-01T00:00:00.000Z',
          big: '9007199254740993',
          tags: ['x', 'y'],
          emb: [1, 0, 0],
          meta: { a: 1 },
          det: { label: 'cat', confidence: 0.9, box: { w: 10, h: 5 } },
        },
      ]);
    });

    it('merges fragments and aliases', async () => {
      const data = await gqlData(
        app,
        `fragment F on photos_det { label box { ...G } }
       fragment G on photos_det_box { w }
       { first: photos(order_by: [{name: asc}], limit: 1) { n: name det { ...F } ... on photos { size } } }`,
      );
      expect(data.first).toEqual([{ n: 'B.jpg', det: { label: 'dog', box: { w: 20 } }, size: null }]);
    });
  });
});
