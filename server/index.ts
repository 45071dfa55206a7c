/**
 * chainql/server — the GraphQL API generated from saved datasets.
 *
 * ```ts
 * import { createApp, listen } from 'chainql/server';
 * const app = await createApp({ dataDir: './.chainql', apiKeys: 'k1:reader' });
 * const server = await listen(app, { port: 4000 });
 * ```
 */
export {
  type ChainqlApp,
  type CreateAppOptions,
  createApp,
  DEFAULT_LIMITS,
  type ServerLimits,
} from './app.ts';
export { buildSchema } from './graphql/build-schema.ts';
export type { QueryEnv, QueryLimits, RequestContext, RowLimits } from './graphql/query-env.ts';
export type { DatasetModel, ServedModel } from './model/dataset-model.ts';
export { buildServedModel, loadServedModel } from './model/model-builder.ts';
export { allocateNames, isValidGraphqlName, sanitizeName } from './naming.ts';
export { exampleQuery } from './playground.ts';
export {
  type ApiKeys,
  parseApiKeys,
  type Role,
  requireRole,
  roleAtLeast,
  useAuth,
} from './plugins/use-auth.ts';
export { createErrorMasker, useErrorCodes } from './plugins/use-error-codes.ts';
export { DEFAULT_SHAPE_LIMITS, type QueryShapeLimits, useLimits } from './plugins/use-limits.ts';
export { useTimeout } from './plugins/use-timeout.ts';
export type { RegistryView, ServedVersion } from './registry-view.ts';
export { SchemaCache } from './schema-cache.ts';
export { isLoopbackHost, listen, type RunningServer, type ServeOptions, serveCommand } from './serve.ts';
export {
  BadUserInputError,
  ForbiddenError,
  QueryTimeoutError,
  ServedVersionNotFoundError,
  ServerConfigError,
  UnauthenticatedError,
} from './server-errors.ts';
