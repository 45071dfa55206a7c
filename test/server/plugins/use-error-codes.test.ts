import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ReadTimeoutError,
  TableNotFoundError,
  WarehouseError,
  WarehouseOverloadedError,
  WarehouseUnreachableError,
} from '../../../clients/warehouse/warehouse-errors.ts';
import { DuplicateKeyError, KeyDeclarationError } from '../../../compute/keys/key-errors.ts';
import {
  JobNotFoundError,
  JobStateError,
  PipelineConfigError,
  PipelineInputError,
  PipelineNotFoundError,
} from '../../../compute/pipelines/pipeline-errors.ts';
import {
  DatasetNotFoundError,
  InvalidDatasetNameError,
  InvalidVersionError,
  RegistryMetadataError,
  VersionNotFoundError,
} from '../../../compute/registry/registry-errors.ts';
import { InvalidQueryError } from '../../../schema/dialect/dialect-errors.ts';
import {
  ChainqlError,
  ExpressionTypeError,
  SchemaError,
  UnknownColumnError,
} from '../../../schema/errors.ts';
import { InvalidExpressionError, NotALeafColumnError } from '../../../schema/expr/expr-errors.ts';
import type { ChainqlApp } from '../../../server/app.ts';
import { createErrorMasker, isExposedError } from '../../../server/plugins/use-error-codes.ts';
import {
  BadUserInputError,
  DatasetVanishedError,
  ForbiddenError,
  QueryTimeoutError,
  ServedVersionNotFoundError,
  ServerConfigError,
  UnauthenticatedError,
} from '../../../server/server-errors.ts';
import { appFor, gql, openStore, PHOTOS, Photo, type TestStore } from '../fixtures.ts';

/** Errors whose class says clients may see them, with the code they must arrive with. */
const EXPOSED: readonly [string, Error][] = [
  ['BAD_USER_INPUT', new BadUserInputError('limit must not be negative.')],
  ['DATASET_NOT_FOUND', new DatasetNotFoundError('x', ['photos'])],
  ['DATASET_NOT_FOUND', new DatasetVanishedError()],
  ['VERSION_NOT_FOUND', new VersionNotFoundError('photos', '9.9.9', ['1.0.0'])],
  ['VERSION_NOT_FOUND', new ServedVersionNotFoundError('photos', '9.9.9')],
  ['TIMEOUT', new QueryTimeoutError(10)],
  ['TIMEOUT', new ReadTimeoutError(10, { sql: 'SELECT secret' })],
  ['OVERLOADED', new WarehouseOverloadedError()],
  ['WAREHOUSE_UNREACHABLE', new WarehouseUnreachableError('http://clickhouse.internal:8123')],
  ['UNAUTHENTICATED', new UnauthenticatedError()],
  ['FORBIDDEN', new ForbiddenError('no')],
  ['UNKNOWN_COLUMN', new UnknownColumnError('nmae', ['name'])],
  ['TYPE_MISMATCH', new ExpressionTypeError('string > number')],
  ['NOT_A_LEAF_COLUMN', new NotALeafColumnError('det', ['det.label'])],
  ['INVALID_EXPRESSION', new InvalidExpressionError('bad')],
  ['INVALID_QUERY', new InvalidQueryError('LIMIT must not be negative')],
  ['INVALID_DATASET_NAME', new InvalidDatasetNameError('1x')],
  ['INVALID_VERSION', new InvalidVersionError('one')],
  ['INVALID_KEY', new KeyDeclarationError('d', 'f', 'bad key')],
  ['DUPLICATE_KEY', new DuplicateKeyError('d', ['id'], { id: 1 }, 2)],
  ['BAD_USER_INPUT', new PipelineInputError('p', 'x', [{ path: 'x', message: 'required' }])],
  ['PIPELINE_NOT_FOUND', new PipelineNotFoundError('p', [])],
  ['JOB_NOT_FOUND', new JobNotFoundError('j1')],
  ['JOB_STATE', new JobStateError('j1', 'running', 'resume')],
];

/** Errors about internals: masked whatever their code says. */
const MASKED: readonly Error[] = [
  new WarehouseError('no such column: secret_col', {
    sql: 'SELECT secret_col FROM t',
    code: 'WAREHOUSE_ERROR',
  }),
  new TableNotFoundError('t_secret'),
  new RegistryMetadataError('/var/lib/secret/chainql.db is newer'),
  new PipelineConfigError('/srv/secret/config.ts failed'),
  new SchemaError('bad', 'x'),
  new ServerConfigError('secret config'),
  // A code a class exposes elsewhere does not expose an error whose own class does not say so.
  new ChainqlError('BAD_USER_INPUT', 'raw ChainqlError with /secret/path'),
  Object.assign(new Error('SQLITE_ERROR near secret'), { code: 'SQLITE_ERROR' }),
  new TypeError('Cannot read properties of undefined (reading "secret")'),
];

describe('which errors reach clients is a property of the error class', () => {
  const logged: unknown[] = [];
  let thrown: Error = new Error('unset');
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: 'type Query { boom: Int }',
      resolvers: {
        Query: {
          boom: () => {
            throw thrown;
          },
        },
      },
    }),
    maskedErrors: { maskError: createErrorMasker((e) => logged.push(e)) },
    logging: false,
  });
  const ask = async (error: Error) => {
    thrown = error;
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ boom }' }),
    });
    return ((await response.json()) as { errors: { message: string; extensions?: { code?: string } }[] })
      .errors[0];
  };

  it.each(EXPOSED.map(([code, error]) => [error.constructor.name, code, error] as const))(
    '%s reaches the client as %s with its message',
    async (_name, code, error) => {
      expect(isExposedError(error)).toBe(true);
      const before = logged.length;
      expect(await ask(error)).toMatchObject({ message: error.message, extensions: { code } });
      expect(logged.length).toBe(before);
    },
  );

  it.each(MASKED.map((error) => [error.constructor.name, error] as const))(
    '%s is masked and logged',
    async (_name, error) => {
      expect(isExposedError(error)).toBe(false);
      const before = logged.length;
      const seen = await ask(error);
      expect(seen).toMatchObject({
        message: 'Unexpected error.',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      expect(JSON.stringify(seen)).not.toMatch(/secret/);
      expect(logged.slice(before)).toEqual([error]);
    },
  );

  it('a subclass inherits its parent class exposure; a class can opt in', () => {
    class Narrower extends BadUserInputError {}
    class Internal extends ChainqlError {}
    class Public extends ChainqlError {
      static override readonly exposed = true;
    }
    expect(new Narrower('x').exposed).toBe(true);
    expect(new Internal('X', 'x').exposed).toBe(false);
    expect(new Public('X', 'x').exposed).toBe(true);
    // Exposure lives on the class, not the instance: nothing extra shows when an error is logged or stored.
    expect(Object.keys(new Public('X', 'x'))).not.toContain('exposed');
  });
});

describe('through the chainql app', () => {
  let store: TestStore;
  let app: ChainqlApp;
  const logged: unknown[] = [];
  beforeAll(async () => {
    store = await openStore();
    await store.save('photos', PHOTOS, Photo);
    app = await appFor(store, { logError: (e) => logged.push(e) });
  });
  afterAll(async () => {
    await app?.close();
    await store?.dispose();
  });

  it('answers exposed errors with their code and keeps them out of the error log', async () => {
    const version = await gql(app, '{ photos(version: "9.9.9") { name } }');
    expect(version.errors?.[0]?.extensions?.code).toBe('VERSION_NOT_FOUND');
    const limit = await gql(app, '{ photos(limit: -1) { name } }');
    expect(limit.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(logged).toEqual([]);
  });
});
