import { join, resolve } from 'node:path';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { openSqliteWarehouse } from '../clients/warehouse/sqlite/sqlite-warehouse.ts';
import type { WarehouseDriver } from '../clients/warehouse/warehouse-driver.ts';
import { defaultDataDir, openSession, type Session } from '../compute/session.ts';
import { getCompiler } from '../schema/dialect/get-compiler.ts';
import { canDelete, withDeleteDataset } from './admin/delete-dataset-field.ts';
import type { QueryEnv, QueryLimits, RequestContext } from './graphql/query-env.ts';
import type { FetchingApp } from './mcp/graphql-caller.ts';
import { useMcp } from './mcp/use-mcp.ts';
import { type ServedJobManager, withPipelineFields } from './pipelines/pipeline-fields.ts';
import { exampleQuery, keylessExampleQuery } from './playground.ts';
import { type ApiKeys, parseApiKeys, type Role, requestKey, useAuth } from './plugins/use-auth.ts';
import { useBatchLimits } from './plugins/use-batch-limits.ts';
import { DEFAULT_MAX_BODY_BYTES, useBodyLimit } from './plugins/use-body-limit.ts';
import { createErrorMasker, isExpectedError, useErrorCodes } from './plugins/use-error-codes.ts';
import { useGraphqlJsExecute } from './plugins/use-graphql-js-execute.ts';
import { useInputDepth } from './plugins/use-input-depth.ts';
import { DEFAULT_SHAPE_LIMITS, type QueryShapeLimits, useLimits } from './plugins/use-limits.ts';
import { usePersistedQueries } from './plugins/use-persisted-queries.ts';
import { useRowCapWarnings } from './plugins/use-row-cap-warnings.ts';
import { useTimeout } from './plugins/use-timeout.ts';
import { useValidationByShape } from './plugins/use-validation-by-shape.ts';
import { DEFAULT_FILTER_LIMITS } from './query/filter-limits.ts';
import type { RegistryView } from './registry-view.ts';
import { SchemaCache } from './schema-cache.ts';
import { ServerConfigError } from './server-errors.ts';

/** Every server limit; each has a default (see {@link DEFAULT_LIMITS}). */
export interface ServerLimits extends QueryLimits, QueryShapeLimits {
  /** Per-operation timeout in ms; the running SQL is interrupted. 0 disables. Default 10000. */
  readonly timeoutMs: number;
  /**
   * Worker threads running SQLite reads, for the SQLite warehouse `createApp` opens itself (`dataDir` or
   * `dbPath`); a given warehouse keeps its own setting. Default min(4, max(2, cores)).
   */
  readonly readThreads?: number;
  /** Largest request body accepted, in bytes (HTTP 413 beyond). Default 25 MB. */
  readonly maxBodyBytes: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  defaultLimit: 100,
  maxLimit: 10_000,
  timeoutMs: 10_000,
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  ...DEFAULT_FILTER_LIMITS,
  ...DEFAULT_SHAPE_LIMITS,
};

/**
 * Options of {@link createApp}. Give `dataDir`, or a `session`, or `warehouse` + `registry` (or `registry` +
 * `dbPath`). Any `WarehouseDriver` whose dialect has a compiler can be served.
 */
export interface CreateAppOptions {
  /** Data directory with `chainql.db` (default `CHAINQL_DATA_DIR` or `./.chainql`). */
  readonly dataDir?: string;
  /**
   * ClickHouse URL to serve instead of the SQLite file (default `CHAINQL_CLICKHOUSE_URL`); used when no
   * `session`/`registry` is given. An unreachable server fails `createApp` with WarehouseUnreachableError.
   */
  readonly warehouseUrl?: string;
  /** An open session (warehouse + registry) to serve; not closed by `app.close()`. */
  readonly session?: Pick<Session, 'warehouse' | 'registry'>;
  /** Warehouse to serve (with `registry`); not closed by `app.close()`. */
  readonly warehouse?: WarehouseDriver;
  /** Registry to serve (with `warehouse` or `dbPath`), e.g. a `DatasetRegistry` or a custom RegistryView. */
  readonly registry?: RegistryView;
  /**
   * SQLite warehouse file the registry's tables live in (with `registry`, when no `warehouse` is given):
   * the app opens its own warehouse on it and closes it on `close()`.
   */
  readonly dbPath?: string;
  /**
   * API keys: a map, or `CHAINQL_API_KEYS` syntax (`key1:reader,key2:writer,key3:admin`).
   * Default: the `CHAINQL_API_KEYS` environment variable; none → no auth (loopback only, see serve).
   */
  readonly apiKeys?: ApiKeys | string;
  /**
   * Server limits; `defaultLimit` defaults to `CHAINQL_DEFAULT_LIMIT` when that is set, else 100, and `timeoutMs` to
   * `CHAINQL_QUERY_TIMEOUT_MS`, else 10000.
   */
  readonly limits?: Partial<ServerLimits>;
  /** Serve GraphiQL to browsers at /graphql. Default true. */
  readonly graphiql?: boolean;
  /** Where unexpected (masked) errors are logged. Default console.error. */
  readonly logError?: (error: unknown) => void;
  /**
   * Job manager whose pipelines become mutations (plus `job`, `jobs`, `cancel_job`, `resume_job`,
   * `job_updates`); see server/pipelines/pipeline-fields.ts. Not closed by `close()`. Default: none.
   */
  readonly jobs?: ServedJobManager;
  /** Serve the MCP tools over streamable HTTP at `/mcp` (same keys, roles and limits). Default true. */
  readonly mcp?: boolean;
}

/** The server: a yoga instance (`app.fetch(request)`, or a Node `http` request listener) plus lifecycle. */
export type ChainqlApp = YogaServerInstance<Record<string, unknown>, RequestContext> & {
  /** The schema for the registry's current revision. */
  currentSchema(): Promise<GraphQLSchema>;
  /** The configured API keys (empty: no auth). */
  readonly apiKeys: ApiKeys;
  /** Stops the read workers and closes what `createApp` opened. Idempotent. */
  close(): Promise<void>;
};

/**
 * Creates the GraphQL app (no port: call `listen` from `serve.ts`, or `app.fetch` in tests). Queries run
 * through `warehouse.read` (see clients/warehouse/warehouse-driver.ts), compiled for the warehouse's dialect.
 * @throws ServerConfigError for `registry` without a warehouse or `dbPath`, bad API keys, or a
 *   `defaultLimit` (or `CHAINQL_DEFAULT_LIMIT`) that is not between 1 and `maxLimit`.
 */
export async function createApp(options: CreateAppOptions = {}): Promise<ChainqlApp> {
  const limits: ServerLimits = {
    ...DEFAULT_LIMITS,
    ...defaultLimitFromEnv(),
    ...timeoutFromEnv(),
    ...options.limits,
  };
  if (
    !Number.isInteger(limits.defaultLimit) ||
    limits.defaultLimit < 1 ||
    limits.defaultLimit > limits.maxLimit
  ) {
    throw new ServerConfigError(
      `limits.defaultLimit must be a whole number from 1 to limits.maxLimit (${limits.maxLimit}); got ${limits.defaultLimit}.`,
    );
  }
  const apiKeys: ApiKeys =
    typeof options.apiKeys === 'object'
      ? options.apiKeys
      : parseApiKeys(options.apiKeys ?? process.env.CHAINQL_API_KEYS);
  const readThreads = limits.readThreads === undefined ? {} : { readThreads: limits.readThreads };
  let owned: Session | undefined;
  let ownedWarehouse: WarehouseDriver | undefined;
  let registry: RegistryView;
  let warehouse: WarehouseDriver;
  if (options.registry !== undefined) {
    if (options.warehouse === undefined && options.dbPath === undefined) {
      throw new ServerConfigError(
        'createApp: `registry` needs the `warehouse` its tables live in (or `dbPath`).',
      );
    }
    registry = options.registry;
    if (options.warehouse !== undefined) warehouse = options.warehouse;
    else {
      ownedWarehouse = await openSqliteWarehouse({ path: options.dbPath as string, ...readThreads });
      warehouse = ownedWarehouse;
    }
  } else if (options.session !== undefined) {
    registry = options.session.registry;
    warehouse = options.session.warehouse;
  } else {
    const dataDir = resolve(options.dataDir ?? defaultDataDir());
    const warehouseUrl = options.warehouseUrl ?? (process.env.CHAINQL_CLICKHOUSE_URL || undefined);
    if (warehouseUrl !== undefined) {
      // ClickHouse: the session opens (and owns) the warehouse; nothing is kept in dataDir.
      owned = await openSession({ dataDir, warehouseUrl });
      warehouse = owned.warehouse;
    } else {
      ownedWarehouse = await openSqliteWarehouse({ path: join(dataDir, 'chainql.db'), ...readThreads });
      owned = await openSession({ dataDir, warehouse: ownedWarehouse });
      warehouse = ownedWarehouse;
    }
    registry = owned.registry;
  }
  const env: QueryEnv = { warehouse, compiler: getCompiler(warehouse.dialect), limits };
  const cache = new SchemaCache(registry, env);
  // A registry that can delete gets the admin-only `delete_dataset` mutation; the answer waits for the
  // rebuilt schema, so the caller's next request already sees the change.
  const deleting = canDelete(registry) ? { registry, refresh: () => cache.current() } : undefined;

  const yoga = createYoga<Record<string, unknown>, RequestContext>({
    graphqlEndpoint: '/graphql',
    landingPage: false,
    schema: async () => {
      const { schema } = await cache.current();
      const withJobs = options.jobs ? withPipelineFields(schema, options.jobs) : schema;
      return deleting ? withDeleteDataset(withJobs, deleting) : withJobs;
    },
    graphiql:
      options.graphiql === false
        ? false
        : async (request) => {
            // The page is served without a key; with keys configured it names datasets and fields
            // only to a browser that presents a valid one (e.g. through a proxy that adds the header).
            const keyed = apiKeys.size === 0 || apiKeys.has(requestKey(request) ?? '');
            return {
              title: 'chainql',
              defaultQuery: keyed
                ? exampleQuery((await cache.current()).model, options.jobs?.pipelines.list())
                : keylessExampleQuery(),
              // With keys configured, new tabs start with the header to fill in.
              ...(apiKeys.size > 0
                ? { headers: JSON.stringify({ 'x-api-key': '<your API key>' }, null, 2) }
                : {}),
            };
          },
    renderGraphiQL,
    maskedErrors: { maskError: createErrorMasker(options.logError) },
    // Expected errors (exposed ChainqlErrors) are answers, not incidents: keep them out of the error log.
    logging: {
      debug: () => {},
      info: () => {},
      warn: (...args: unknown[]) => console.warn('[chainql]', ...args),
      error: (...args: unknown[]) => {
        if (!args.some(isExpectedError))
          (options.logError ?? console.error)(args.length === 1 ? args[0] : args);
      },
    },
    // A JSON array of operations gets an array of results; useBatchLimits enforces the cap with a clear
    // message before yoga's own check (same number) would.
    batching: limits.maxBatchSize > 0 ? { limit: limits.maxBatchSize } : false,
    // useBodyLimit enforces the body cap without streaming every body through a transform.
    maxRequestBodySize: false,
    plugins: [
      ...(options.mcp === false ? [] : [useMcp({ apiKeys, app: (): FetchingApp => yoga as FetchingApp })]),
      useBodyLimit(limits.maxBodyBytes),
      usePersistedQueries(),
      useBatchLimits(limits),
      useAuth(apiKeys),
      useTimeout(limits.timeoutMs),
      useInputDepth(limits),
      ...useLimits(limits),
      useRowCapWarnings(limits),
      useErrorCodes(),
      useValidationByShape(),
      useGraphqlJsExecute(),
    ],
  });
  let closed = false;
  return Object.assign(yoga, {
    apiKeys,
    currentSchema: async () => (await cache.current()).schema,
    async close() {
      if (closed) return;
      closed = true;
      await owned?.close();
      await ownedWarehouse?.close();
    },
  });
}

/** `CHAINQL_DEFAULT_LIMIT` (rows a query without `limit` gets), when set. */
function defaultLimitFromEnv(): Partial<ServerLimits> {
  const text = process.env.CHAINQL_DEFAULT_LIMIT?.trim();
  if (text === undefined || text === '') return {};
  if (!/^\d+$/.test(text)) {
    throw new ServerConfigError(`CHAINQL_DEFAULT_LIMIT must be a whole number of rows; got '${text}'.`);
  }
  return { defaultLimit: Number(text) };
}

/** `CHAINQL_QUERY_TIMEOUT_MS` (per-operation time limit; 0 disables), when set. */
function timeoutFromEnv(): Partial<ServerLimits> {
  const text = process.env.CHAINQL_QUERY_TIMEOUT_MS?.trim();
  if (text === undefined || text === '') return {};
  if (!/^\d+$/.test(text)) {
    throw new ServerConfigError(
      `CHAINQL_QUERY_TIMEOUT_MS must be a whole number of milliseconds; got '${text}'.`,
    );
  }
  return { timeoutMs: Number(text) };
}

/** The data directory `createApp` serves by default (re-exported for the CLI). */
export function defaultDbPath(dataDir: string = defaultDataDir()): string {
  return join(resolve(dataDir), 'chainql.db');
}

export type { Role };
