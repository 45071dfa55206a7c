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
    app = await appFor(store);
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  async function names(where: string): Promise<string[]> {
    const data = await gqlData(app, `{ photos(where: ${where}) { name } }`);
    return (data.photos as { name: string }[]).map((r) => r.name);
  }

  const A = 'a.jpg';
  const B = 'B.jpg';
  const C = 'c.png';
  const D = 'd%_.png';
  const E = 'élan';
  const O = "o'brien; DROP TABLE x;--";
  const ALL = [A, B, C, D, E, O];

  // Each case: a `where` literal and the expected rows (in _id order). Row B has size NULL, row C has score
  // and det.label/confidence NULL: they show Hasura's three-valued logic.
  const cases: [string, string, string[]][] = [
    ['_eq', '{size: {_eq: 30}}', [C, D]],
    ['_neq skips NULL', '{size: {_neq: 30}}', [A, E, O]],
    ['_gt', '{size: {_gt: 5}}', [A, C, D]],
    ['_gte', '{size: {_gte: 5}}', [A, C, D, E]],
    ['_lt', '{size: {_lt: 5}}', [O]],
    ['_lte', '{size: {_lte: 5}}', [E, O]],
    ['_in', '{size: {_in: [1, 10]}}', [A, O]],
    ['_in [] is false', '{size: {_in: []}}', []],
    ['_nin skips NULL', '{size: {_nin: [1, 10]}}', [C, D, E]],
    ['_nin [] is true (even for NULL)', '{size: {_nin: []}}', ALL],
    ['_is_null true', '{size: {_is_null: true}}', [B]],
    ['_is_null false', '{size: {_is_null: false}}', [A, C, D, E, O]],
    ['several operators are ANDed', '{size: {_gte: 5, _lte: 10}}', [A, E]],
    ['{} is true', '{}', ALL],
    ['_and [] is true', '{_and: []}', ALL],
    ['_or [] is false', '{_or: []}', []],
    ['_not of [] or is true', '{_not: {_or: []}}', ALL],
    ['_not keeps NULL unknown', '{_not: {size: {_gt: 5}}}', [E, O]],
    ['_or', '{_or: [{size: {_eq: 1}}, {kind: {_eq: dog}}]}', [B, C, O]],
    ['keys are ANDed', '{ok: {_eq: true}, kind: {_eq: cat}}', [A, E, O]],
    ['_like is case-sensitive', '{name: {_like: "b%"}}', []],
    ['_like suffix', '{name: {_like: "%.jpg"}}', [A, B]],
    ['_like _ wildcard', '{name: {_like: "_.jpg"}}', [A, B]],
    ['_like escaped % and _', '{name: {_like: "d\\\\%\\\\_%"}}', [D]],
    ['_ilike', '{name: {_ilike: "b%"}}', [B]],
    ['_nlike', '{name: {_nlike: "%.jpg"}}', [C, D, E, O]],
    ['_nilike', '{name: {_nilike: "B%"}}', [A, C, D, E, O]],
    ['_regex', '{name: {_regex: "^[a-c]\\\\."}}', [A, C]],
    ['_iregex', '{name: {_iregex: "^b\\\\."}}', [B]],
    ['strings compare by bytes', '{name: {_gt: "d"}}', [D, E, O]],
    ['enum _eq', '{kind: {_eq: cat}}', [A, E, O]],
    ['enum _in', '{kind: {_in: [dog, bird]}}', [B, C, D]],
    ['boolean', '{ok: {_eq: false}}', [B, D]],
    ['datetime _gt', '{taken: {_gt: "2024-01-01T00:00:00Z"}}', [C, O]],
    ['datetime _lte', '{taken: {_lte: "2024-01-01T00:00:00.000Z"}}', [A, D]],
    ['bigint beyond 2^53 is exact', '{big: {_eq: "9007199254740993"}}', [A]],
    ['bigint _lt', '{big: {_lt: "1"}}', [C, E]],
    ['float', '{score: {_lt: 1}}', [A, D, E]],
    ['array _contains one', '{tags: {_contains: ["x"]}}', [A, D, E]],
    ['array _contains all of', '{tags: {_contains: ["x", "y"]}}', [A]],
    ['array _contains []', '{tags: {_contains: []}}', ALL],
    ['vector _is_null', '{emb: {_is_null: true}}', [D]],
    ['record _is_null', '{meta: {_is_null: true}}', [B, D]],
    ['nested depth 2', '{det: {label: {_eq: "cat"}}}', [A, E]],
    ['nested depth 3', '{det: {box: {w: {_gt: 9}}}}', [A, B, E]],
    ['nested depth 3 _is_null', '{det: {box: {h: {_is_null: true}}}}', [B, O]],
    ['nested _not keeps NULL unknown', '{_not: {det: {confidence: {_gt: 0.5}}}}', [B, O]],
    [
      'nested _and/_or inside an object',
      '{det: {_or: [{label: {_eq: "dog"}}, {box: {w: {_lt: 2}}}]}}',
      [B, O],
    ],
    ['_id _in', '{_id: {_in: ["1", "3"]}}', [A, C]],
    ['_id _gt', '{_id: {_gt: "4"}}', [E, O]],
    ['mixed levels', '{_and: [{det: {box: {w: {_gte: 10}}}}, {ok: {_eq: true}}]}', [A, E]],
  ];

  describe('where operators (Hasura semantics)', () => {
    it.each(cases)('%s', async (_label, where, expected) => {
      expect(await names(where)).toEqual(expected);
    });

    it('accepts the filter as a variable', async () => {
      const data = await gqlData(app, 'query($w: photos_bool_exp) { photos(where: $w) { name } }', {
        w: { det: { box: { w: { _gt: 9 } } } },
      });
      expect(data.photos.map((r: { name: string }) => r.name)).toEqual([A, B, E]);
    });

    it('rejects null operands with BAD_USER_INPUT', async () => {
      const result = await gql(app, '{ photos(where: {size: {_eq: null}}) { name } }');
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(/_is_null/);
    });

    it('rejects an invalid regular expression with BAD_USER_INPUT', async () => {
      const result = await gql(app, '{ photos(where: {name: {_regex: "("}}) { name } }');
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('rejects unknown fields and wrong types as validation errors', async () => {
      const unknown = await gql(app, '{ photos(where: {nope: {_eq: 1}}) { name } }');
      expect(unknown.errors?.[0]?.message).toMatch(/nope/);
      const wrong = await gql(app, '{ photos(where: {size: {_eq: "ten"}}) { name } }');
      expect(wrong.errors?.[0]?.message).toMatch(/Int/);
    });
  });
});
