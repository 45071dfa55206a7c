import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChainqlApp } from '../../server/app.ts';
import { appFor, gql, gqlData, openStore, type TestStore } from './fixtures.ts';

const Event = z
  .object({
    kind: z.literal('event'),
    levels: z.array(z.int()),
    colors: z.array(z.enum(['red', 'green'])),
    stamps: z.array(z.date()),
    steps: z.array(z.object({ at: z.date(), note: z.string().nullable() })),
    owner: z.object({ name: z.string(), email: z.string().nullable() }).nullable().describe('Who owns it'),
    extra: z.string().optional(),
  })
  .describe('Things that happened');

import { WAREHOUSES } from '../helpers/temp-session.ts';

describe.each(WAREHOUSES)('on %s', (warehouse) => {
  let store: TestStore;
  let app: ChainqlApp;

  beforeAll(async () => {
    store = await openStore(warehouse);
    await store.save(
      'events',
      [
        {
          kind: 'event',
          levels: [1, 2, 3],
          colors: ['red'],
          stamps: [new Date('2024-01-01T00:00:00Z')],
          steps: [{ at: new Date('2024-02-02T00:00:00Z'), note: 'go' }],
          owner: { name: 'ann', email: null },
          extra: 'x',
        },
        { kind: 'event', levels: [], colors: ['green', 'red'], stamps: [], steps: [], owner: null },
      ],
      Event,
    );
    app = await appFor(store);
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  describe('generated types', () => {
    it('returns arrays of objects, dates inside arrays, null objects and absent optionals', async () => {
      const data = await gqlData(
        app,
        '{ events { kind levels colors stamps steps { at note } owner { name email } extra } }',
      );
      expect(data.events).toEqual([
        {
          kind: 'event',
          levels: [1, 2, 3],
          colors: ['red'],
          stamps: ['2024-01-01T00:00:00.000Z'],
          steps: [{ at: '2024-02-02T00:00:00.000Z', note: 'go' }],
          owner: { name: 'ann', email: null },
          extra: 'x',
        },
        {
          kind: 'event',
          levels: [],
          colors: ['green', 'red'],
          stamps: [],
          steps: [],
          owner: null,
          extra: null,
        },
      ]);
    });

    it('filters arrays of ints and enums with _contains, and null objects with _is_null on a leaf', async () => {
      const count = async (where: string) =>
        (await gqlData(app, `{ events_aggregate(where: ${where}) { aggregate { count } } }`)).events_aggregate
          .aggregate.count;
      expect(await count('{levels: {_contains: [2, 3]}}')).toBe(1);
      expect(await count('{levels: {_contains: [4]}}')).toBe(0);
      expect(await count('{colors: {_contains: [red]}}')).toBe(2);
      expect(await count('{colors: {_contains: [green, red]}}')).toBe(1);
      expect(await count('{stamps: {_contains: ["2024-01-01T00:00:00Z"]}}')).toBe(1);
      expect(await count('{owner: {name: {_is_null: true}}}')).toBe(1);
      expect(await count('{extra: {_is_null: true}}')).toBe(1);
    });

    it('carries descriptions into the schema', async () => {
      const result = await gql(
        app,
        '{ events: __type(name: "events") { description fields { name description type { kind name ofType { name } } } } }',
      );
      const type = result.data?.events as {
        description: string;
        fields: { name: string; description: string | null; type: { kind: string; name: string | null } }[];
      };
      expect(type.description).toBe('Things that happened');
      const owner = type.fields.find((f) => f.name === 'owner');
      expect(owner?.description).toBe('Who owns it');
      expect(owner?.type).toMatchObject({ kind: 'OBJECT', name: 'events_owner' });
      expect(type.fields.find((f) => f.name === 'steps')?.type.kind).toBe('NON_NULL');
    });
  });
});
