import { isEnumType, isObjectType, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { getCompiler } from '../../schema/dialect/get-compiler.ts';
import { DEFAULT_LIMITS } from '../../server/app.ts';
import { buildSchema } from '../../server/graphql/build-schema.ts';
import type { QueryEnv } from '../../server/graphql/query-env.ts';
import { buildServedModel } from '../../server/model/model-builder.ts';
import { DEFAULT_SDL_FIXTURE, fixtureModel } from '../../server/print-sdl.ts';
import { ORDER_DIRECTIONS } from '../../server/query/order-builder.ts';
import type { ServedVersion } from '../../server/registry-view.ts';

// The schema as served (not sorted like the SDL snapshot): GraphiQL's docs and introspection list fields,
// arguments and enum values in this order.
const env: QueryEnv = {
  warehouse: { read: () => Promise.reject(new Error('not executed')) },
  compiler: getCompiler('sqlite'),
  limits: DEFAULT_LIMITS,
};

describe('served schema order and contents', () => {
  const schema = buildSchema(fixtureModel(DEFAULT_SDL_FIXTURE), env);

  it('lists row fields in the stored schema order, _id first', () => {
    const photos = schema.getType('photos');
    expect(isObjectType(photos)).toBe(true);
    if (!isObjectType(photos)) return;
    expect(Object.keys(photos.getFields())).toEqual([
      '_id',
      'name',
      'taken',
      'bytes',
      'kind',
      'tags',
      'emb',
      'meta',
      'det',
    ]);
  });

  it('lists root fields per dataset and their arguments in declaration order', () => {
    const query = schema.getQueryType()?.getFields() ?? {};
    expect(Object.keys(query).slice(0, 7)).toEqual([
      'datasets',
      'photos',
      'photos_aggregate',
      'photos_groups',
      'photos_by_id',
      'photos_diff',
      'photos_nearest',
    ]);
    // distinct_on (Hasura parity, issue 17) leads, as in Hasura's own argument order.
    expect(query.photos?.args.map((a) => a.name)).toEqual([
      'distinct_on',
      'where',
      'order_by',
      'limit',
      'offset',
      'version',
    ]);
    expect(query.photos_nearest?.args.map((a) => a.name)).toEqual([
      'field',
      'vector',
      'k',
      'metric',
      'where',
      'version',
    ]);
    const orderBy = schema.getType('order_by');
    expect(isEnumType(orderBy) && orderBy.getValues().map((v) => v.name)).toEqual(
      Object.keys(ORDER_DIRECTIONS),
    );
  });

  it('declares a custom scalar only when a field uses it', () => {
    const version = {
      name: 'notes',
      version: '1.0.0',
      table: 'notes_v1',
      rows: 1,
      createdAt: '2024-01-01T00:00:00.000Z',
      schema: {
        format: 1,
        fields: { text: { type: { kind: 'string' }, nullable: false, optional: false } },
      },
    } as unknown as ServedVersion;
    const sdl = printSchema(
      buildSchema(buildServedModel('1', [{ name: 'notes', versions: [version] }]), env),
    );
    expect(sdl).toContain('scalar DateTime'); // dataset_version.createdAt
    expect(sdl).toContain('scalar JSON'); // dataset_version.schema
    expect(sdl).toContain('scalar FieldPath'); // notes_groups(by:)
    expect(sdl).not.toContain('scalar BigInt');
    expect(sdl).not.toContain('distance_metric'); // no vector field, no notes_nearest
    expect(sdl).toMatch(
      /type notes \{\n\s+"""Stable row id \(sys\.id\)"""\n\s+_id: ID!\n\s+text: String!\n\}/,
    );
  });
});
