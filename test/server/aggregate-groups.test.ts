import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChainqlApp } from '../../server/app.ts';
import { WAREHOUSES } from '../helpers/temp-session.ts';
import { appFor, gql, gqlData, type Json, openStore, PHOTOS, Photo, type TestStore } from './fixtures.ts';

/** Fields named like the query's own output aliases (`count`, `a0`, `k0`): an alias must not capture them. */
const Tally = z.object({ k0: z.string(), count: z.int(), a0: z.int() });
const TALLIES = [
  { k0: 'x', count: 1, a0: 10 },
  { k0: 'x', count: 2, a0: 20 },
  { k0: 'y', count: 4, a0: 40 },
];

describe.each(WAREHOUSES)('on %s', (warehouse) => {
  let store: TestStore;
  let app: ChainqlApp;

  beforeAll(async () => {
    store = await openStore(warehouse);
    await store.save('photos', PHOTOS, Photo);
    await store.save('tallies', TALLIES, Tally);
    app = await appFor(store);
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  describe('<ds>_aggregate', () => {
    it('computes count, sum, avg, min, max and count_distinct, nested to depth 3', async () => {
      const data = await gqlData(
        app,
        `{ photos_aggregate {
          aggregate {
            count
            sum { size score big det { box { w } } }
            avg { size score }
            min { size name taken det { box { w } } }
            max { size name taken big det { confidence box { w } } }
            count_distinct { size kind ok det { label } }
          }
        } }`,
      );
      expect(data.photos_aggregate.aggregate).toEqual({
        count: 6,
        sum: { size: 76, score: 2.5, big: '9007199254740996', det: { box: { w: 53.5 } } },
        avg: { size: 15.2, score: 0.5 },
        min: { size: 1, name: 'B.jpg', taken: '2023-03-03T03:03:03.000Z', det: { box: { w: 1 } } },
        max: {
          size: 30,
          name: 'élan',
          taken: '2025-01-01T00:00:00.000Z',
          big: '9007199254740993',
          det: { confidence: 0.95, box: { w: 20 } },
        },
        count_distinct: { size: 4, kind: 3, ok: 2, det: { label: 4 } },
      });
    });

    it('filters with where and returns the matching nodes in one query', async () => {
      const data = await gqlData(
        app,
        '{ photos_aggregate(where: {kind: {_eq: cat}}) { aggregate { count sum { size } } nodes { name det { label } } } }',
      );
      expect(data.photos_aggregate).toEqual({
        aggregate: { count: 3, sum: { size: 16 } },
        nodes: [
          { name: 'a.jpg', det: { label: 'cat' } },
          { name: 'élan', det: { label: 'cat' } },
          { name: "o'brien; DROP TABLE x;--", det: { label: 'Cat' } },
        ],
      });
    });

    it('aggregates over the limited rows when limit is given (Hasura)', async () => {
      const data = await gqlData(
        app,
        '{ photos_aggregate(order_by: [{name: asc}], limit: 2) { aggregate { count max { name } } nodes { name } } }',
      );
      expect(data.photos_aggregate).toEqual({
        aggregate: { count: 2, max: { name: 'a.jpg' } },
        nodes: [{ name: 'B.jpg' }, { name: 'a.jpg' }],
      });
    });

    it('gives count 0 and null sums over no rows', async () => {
      const data = await gqlData(
        app,
        '{ photos_aggregate(where: {_or: []}) { aggregate { count sum { size } } nodes { name } } }',
      );
      expect(data.photos_aggregate).toEqual({ aggregate: { count: 0, sum: { size: null } }, nodes: [] });
    });
  });

  describe('<ds>_groups', () => {
    const groups = async (args: string, selection = 'key { kind } aggregate { count }') =>
      (await gqlData(app, `{ photos_groups(${args}) { ${selection} } }`)).photos_groups;

    it('groups by a field, keys ascending by default', async () => {
      expect(
        await groups('by: ["kind"]', 'key { kind } aggregate { count sum { size } avg { size } }'),
      ).toEqual([
        { key: { kind: 'bird' }, aggregate: { count: 1, sum: { size: 30 }, avg: { size: 30 } } },
        { key: { kind: 'cat' }, aggregate: { count: 3, sum: { size: 16 }, avg: { size: 16 / 3 } } },
        { key: { kind: 'dog' }, aggregate: { count: 2, sum: { size: 30 }, avg: { size: 30 } } },
      ]);
    });

    it('groups by a nested field (NULL is a group, sorted last)', async () => {
      expect(await groups('by: ["det.label"]', 'key { det { label } } aggregate { count }')).toEqual([
        { key: { det: { label: 'Cat' } }, aggregate: { count: 1 } },
        { key: { det: { label: 'bird' } }, aggregate: { count: 1 } },
        { key: { det: { label: 'cat' } }, aggregate: { count: 2 } },
        { key: { det: { label: 'dog' } }, aggregate: { count: 1 } },
        { key: { det: { label: null } }, aggregate: { count: 1 } },
      ]);
    });

    it('groups by several fields; key fields not grouped on are null', async () => {
      expect(await groups('by: ["kind", "ok"]', 'key { kind ok size } aggregate { count }')).toEqual([
        { key: { kind: 'bird', ok: false, size: null }, aggregate: { count: 1 } },
        { key: { kind: 'cat', ok: true, size: null }, aggregate: { count: 3 } },
        { key: { kind: 'dog', ok: false, size: null }, aggregate: { count: 1 } },
        { key: { kind: 'dog', ok: true, size: null }, aggregate: { count: 1 } },
      ]);
    });

    it('groups by every leaf of an object path', async () => {
      const result = await groups(
        'by: ["det.box"], where: {det: {box: {w: {_eq: 10}}}}',
        'key { det { box { w h } } } aggregate { count }',
      );
      expect(result).toEqual([
        { key: { det: { box: { w: 10, h: 5 } } }, aggregate: { count: 1 } },
        { key: { det: { box: { w: 10, h: 10 } } }, aggregate: { count: 1 } },
      ]);
    });

    it('filters groups with having on count, avg and nested sums', async () => {
      expect((await groups('by: ["kind"], having: {count: {_gt: 1}}')).map((g: Json) => g.key.kind)).toEqual([
        'cat',
        'dog',
      ]);
      expect(
        (await groups('by: ["kind"], having: {avg: {size: {_gt: 10}}}')).map((g: Json) => g.key.kind),
      ).toEqual(['bird', 'dog']);
      expect(
        (await groups('by: ["kind"], having: {sum: {det: {box: {w: {_gte: 20}}}}}')).map(
          (g: Json) => g.key.kind,
        ),
      ).toEqual(['cat', 'dog']);
      expect(
        (await groups('by: ["kind"], having: {_or: [{count: {_eq: 1}}, {min: {size: {_eq: 1}}}]}')).map(
          (g: Json) => g.key.kind,
        ),
      ).toEqual(['bird', 'cat']);
    });

    it('sorts groups by aggregates and keys, with limit and offset', async () => {
      const kinds = async (args: string) => (await groups(args)).map((g: Json) => g.key.kind);
      expect(await kinds('by: ["kind"], order_by: [{aggregate: {count: desc}}]')).toEqual([
        'cat',
        'dog',
        'bird',
      ]);
      expect(
        await kinds('by: ["kind"], order_by: [{aggregate: {max: {det: {confidence: desc_nulls_last}}}}]'),
      ).toEqual(['bird', 'cat', 'dog']);
      expect(await kinds('by: ["kind"], order_by: [{key: {kind: desc}}], limit: 2, offset: 1')).toEqual([
        'cat',
        'bird',
      ]);
    });

    it('applies where before grouping', async () => {
      expect(await groups('by: ["kind"], where: {ok: {_eq: true}}')).toEqual([
        { key: { kind: 'cat' }, aggregate: { count: 3 } },
        { key: { kind: 'dog' }, aggregate: { count: 1 } },
      ]);
    });

    it('rejects unknown paths and sorting on a field that is not grouped', async () => {
      const unknown = await gql(app, '{ photos_groups(by: ["det.nope"]) { aggregate { count } } }');
      expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(unknown.errors?.[0]?.message).toMatch(/det\.nope.*det\.label/);
      const order = await gql(
        app,
        '{ photos_groups(by: ["kind"], order_by: [{key: {name: asc}}]) { aggregate { count } } }',
      );
      expect(order.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(order.errors?.[0]?.message).toMatch(/not one of the grouped fields/);
    });
  });

  describe('output names equal to field names', () => {
    it('_aggregate reads the fields, not the other aggregates named like them', async () => {
      const data = await gqlData(
        app,
        '{ tallies_aggregate { aggregate { count sum { count a0 } max { a0 count } avg { count } } } }',
      );
      expect(data.tallies_aggregate.aggregate).toEqual({
        count: 3,
        sum: { count: 7, a0: 70 },
        max: { a0: 40, count: 4 },
        avg: { count: 7 / 3 },
      });
    });

    it('_groups reads the fields, not the other aggregates named like them', async () => {
      const data = await gqlData(
        app,
        `{ tallies_groups(by: ["k0"], having: {sum: {count: {_gt: 1}}}) {
          key { k0 } aggregate { count sum { count a0 } min { k0 } }
        } }`,
      );
      expect(data.tallies_groups).toEqual([
        { key: { k0: 'x' }, aggregate: { count: 2, sum: { count: 3, a0: 30 }, min: { k0: 'x' } } },
        { key: { k0: 'y' }, aggregate: { count: 1, sum: { count: 4, a0: 40 }, min: { k0: 'y' } } },
      ]);
    });
  });
});
