import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Error policy: errors chainql raises on purpose (a `ChainqlError` whose code is in {@link EXPOSED_CODES})
 * reach the client with their message and `extensions.code`; GraphQL's own errors (syntax, validation,
 * variable coercion) pass through; anything else becomes "Unexpected error." (details only in the log),
 * so SQL text, file paths and stack traces never leak.
 */

/** Codes whose messages are safe to show (they describe the caller's input or state, not internals). */
export const EXPOSED_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'DATASET_NOT_FOUND',
  'VERSION_NOT_FOUND',
  'TIMEOUT',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'UNKNOWN_COLUMN',
  'TYPE_MISMATCH',
  'INVALID_DATASET_NAME',
  'INVALID_VERSION',
  'OVERLOADED',
  'DUPLICATE_KEY',
  'INVALID_KEY',
]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && error instanceof Error && error.name !== 'SqliteError'
    ? code
    : undefined;
}

/**
 * yoga `maskedErrors.maskError`: maps expected errors to coded GraphQL errors and masks the rest.
 * @param log receives unexpected errors (default: console.error).
 */
export function createErrorMasker(
  log: (error: unknown) => void = (error) => console.error('[chainql] unexpected error:', error),
): (error: unknown, message: string) => Error {
  return (error, message) => {
    if (error instanceof GraphQLError) {
      const original = error.originalError;
      if (original === undefined || original === null || original instanceof GraphQLError) return error;
      const code = codeOf(original);
      if (code !== undefined && EXPOSED_CODES.has(code)) {
        return new GraphQLError(original.message, {
          ...(error.nodes ? { nodes: error.nodes } : {}),
          ...(error.source ? { source: error.source } : {}),
          ...(error.positions ? { positions: error.positions } : {}),
          ...(error.path ? { path: error.path } : {}),
          extensions: { ...error.extensions, code },
        });
      }
      log(original);
      return new GraphQLError(message, {
        ...(error.nodes ? { nodes: error.nodes } : {}),
        ...(error.path ? { path: error.path } : {}),
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
    }
    const code = codeOf(error);
    if (code !== undefined && EXPOSED_CODES.has(code)) {
      return new GraphQLError((error as Error).message, { extensions: { code } });
    }
    log(error);
    return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  };
}

/**
 * Adds `extensions.code` BAD_USER_INPUT to request errors GraphQL reports without one (variable
 * coercion, e.g. `$limit: "ten"`), so every error a client sees carries a code.
 */
export function useErrorCodes(): Plugin {
  const withCode = (e: GraphQLError): GraphQLError =>
    e.extensions?.code !== undefined
      ? e
      : new GraphQLError(e.message, {
          nodes: e.nodes ?? null,
          path: e.path ?? null,
          extensions: { ...e.extensions, code: 'BAD_USER_INPUT' },
        });
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || typeof result !== 'object' || result === null || !('errors' in result))
        return;
      const errors = (result as { errors?: readonly GraphQLError[] }).errors;
      if (errors === undefined || errors.every((e) => e.extensions?.code !== undefined)) return;
      setResult({ ...result, errors: errors.map((e) => (e instanceof GraphQLError ? withCode(e) : e)) });
    },
  };
}
