import { GraphQLError, GraphQLScalarType, Kind, type ValidationRule } from 'graphql';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainqlApp } from '../../../server/app.ts';
import { useValidationByShape } from '../../../server/plugins/use-validation-by-shape.ts';
import { appFor, gql, openStore, PHOTOS, Photo, type TestStore } from '../fixtures.ts';

/** A scalar whose literal check reads the value: `YYYY-MM-DD` strings only. */
const Day = new GraphQLScalarType({
  name: 'Day',
  parseValue: (value) => value,
  parseLiteral(node) {
    if (node.kind !== Kind.STRING || !/^\d{4}-\d{2}-\d{2}$/.test(node.value))
      throw new GraphQLError('Day must be YYYY-MM-DD');
    return node.value;
  },
});

describe('useValidationByShape (yoga with a counting rule)', () => {
  let fullRuns = 0;
  // Runs with the full rule set only: counts whole validations.
  const counting: ValidationRule = () => {
    fullRuns++;
    return {};
  };
  const countWholeValidations: Plugin = {
    onValidate: ({ addValidationRule }) => addValidationRule(counting),
  };
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: /* GraphQL */ `
        scalar Day
        enum Kind { cat dog }
        type Query { photo(id: Int!, kind: Kind, day: Day): String }
      `,
      resolvers: {
        Day,
        Query: {
          photo: (_: unknown, args: { id: number; kind?: string }) => `${args.id}:${args.kind ?? '-'}`,
        },
      },
    }),
    plugins: [countWholeValidations, useValidationByShape()],
  });
  const ask = async (query: string) => {
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
  };

  it('validates a new shape in full, then the same shape with other values by the value rules alone', async () => {
    const before = fullRuns;
    expect(await ask('{ photo(id: 1, kind: cat) }')).toEqual({ data: { photo: '1:cat' } });
    expect(fullRuns).toBe(before + 1);
    expect(await ask('{ photo(id: 2, kind: cat) }')).toEqual({ data: { photo: '2:cat' } });
    expect(await ask('{ photo(id: 3,   kind: cat) # spaced, with a comment\n }')).toEqual({
      data: { photo: '3:cat' },
    });
    expect(fullRuns).toBe(before + 1);
    // Another enum value is another shape (names are kept).
    expect(await ask('{ photo(id: 2, kind: dog) }')).toEqual({ data: { photo: '2:dog' } });
    expect(fullRuns).toBe(before + 2);
  });

  it('still rejects a value of a known shape that does not fit its type', async () => {
    await ask('{ photo(id: 1, day: "2026-12-07") }');
    const before = fullRuns;
    const outOfRange = await ask('{ photo(id: 99999999999, day: "2026-12-07") }');
    expect(outOfRange.errors?.[0]?.message).toMatch(/Int cannot represent non 32-bit signed integer value/);
    const badDay = await ask('{ photo(id: 1, day: "yesterday") }');
    expect(badDay.errors?.[0]?.message).toMatch(/Day must be YYYY-MM-DD/);
    expect(fullRuns).toBe(before);
  });

  it('still rejects two fields under one name with different arguments', async () => {
    expect(await ask('{ a: photo(id: 1) a: photo(id: 1) }')).toEqual({ data: { a: '1:-' } });
    const conflict = await ask('{ a: photo(id: 1) a: photo(id: 2) }');
    expect(conflict.errors?.[0]?.message).toMatch(
      /Fields "a" conflict because they have differing arguments/,
    );
  });

  it('does not remember a failing shape: it is validated in full every time', async () => {
    const before = fullRuns;
    for (const id of [1, 2, 3]) expect((await ask(`{ photo(id: ${id}) nope }`)).errors).toBeDefined();
    expect(fullRuns).toBe(before + 3);
  });
});

describe('useValidationByShape in the chainql app', () => {
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

  it('answers queries that differ only in their values, and rejects a value that does not fit', async () => {
    for (const limit of [1, 2, 3]) {
      const result = await gql(app, `{ photos(limit: ${limit}, order_by: {name: asc}) { name } }`);
      expect((result.data as { photos: unknown[] }).photos).toHaveLength(limit);
    }
    const bad = await gql(app, '{ photos(limit: 99999999999, order_by: {name: asc}) { name } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(bad.errors?.[0]?.message).toMatch(/Int cannot represent/);
  });
});
