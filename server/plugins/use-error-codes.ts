import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Error policy: errors chainql raises on purpose whose class is marked `exposed` (`ChainqlError.exposed`,
 * e.g. BadUserInputError, UnknownColumnError, DatasetNotFoundError, QueryTimeoutError) reach the client with
 * their message and `extensions.code`; GraphQL's own errors (syntax, validation, variable coercion) and the
 * GraphQLErrors the server's plugins throw pass through; anything else becomes "Unexpected error." (details
 * only in the log), so SQL text, file paths and stack traces never leak. The class is the only source of
 * truth: there is no list of codes.
 */

/** An error whose class allows showing it to clients: an `exposed` ChainqlError (from any module copy). */
export function isExposedError(error: unknown): error is Error & { code: string; exposed: true } {
  return (
    error instanceof Error &&
    (error as { exposed?: unknown }).exposed === true &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

/**
 * Whether an error the server logs is an expected answer rather than an incident: an exposed error, or a
 * GraphQLError wrapping one (or raised by GraphQL or a plugin, wrapping nothing).
 */
export function isExpectedError(value: unknown): boolean {
  if (isExposedError(value)) return true;
  if (!(value instanceof GraphQLError)) return false;
  const original = value.originalError;
  return original === undefined || original === null || original === value || isExpectedError(original);
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
      if (isExposedError(original)) {
        return new GraphQLError(original.message, {
          ...(error.nodes ? { nodes: error.nodes } : {}),
          ...(error.source ? { source: error.source } : {}),
          ...(error.positions ? { positions: error.positions } : {}),
          ...(error.path ? { path: error.path } : {}),
          extensions: { ...error.extensions, code: original.code },
        });
      }
      log(original);
      return new GraphQLError(message, {
        ...(error.nodes ? { nodes: error.nodes } : {}),
        ...(error.path ? { path: error.path } : {}),
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
    }
    if (isExposedError(error)) {
      return new GraphQLError(error.message, { extensions: { code: error.code } });
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
