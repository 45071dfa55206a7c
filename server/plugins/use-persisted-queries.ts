import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { RecentMap } from './recent-map.ts';

/** Options of {@link usePersistedQueries}. */
export interface PersistedQueryOptions {
  /** Query texts kept (least recently used dropped first). Default 1000. */
  readonly maxEntries?: number;
}

/** The `extensions.persistedQuery` of an Apollo APQ request. */
interface PersistedQueryExtension {
  readonly version: number;
  readonly sha256Hash: string;
}

/** SHA-256 of the query text, lower-case hex: the hash Apollo clients send. */
export function persistedQueryHash(query: string): string {
  return createHash('sha256').update(query).digest('hex');
}

function apqError(message: string, code: string, status: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

function persistedQueryOf(extensions: Record<string, unknown> | undefined): PersistedQueryExtension | null {
  const value = extensions?.persistedQuery;
  if (value === undefined || value === null) return null;
  const { version, sha256Hash } = value as Partial<PersistedQueryExtension>;
  if (version !== 1) {
    throw apqError(
      `Unsupported persisted query version ${JSON.stringify(version)}: extensions.persistedQuery.version must be 1.`,
      'BAD_USER_INPUT',
      400,
    );
  }
  if (typeof sha256Hash !== 'string' || !/^[0-9a-f]{64}$/i.test(sha256Hash)) {
    throw apqError(
      'extensions.persistedQuery.sha256Hash must be the SHA-256 of the query text as 64 hex digits.',
      'BAD_USER_INPUT',
      400,
    );
  }
  return { version, sha256Hash: sha256Hash.toLowerCase() };
}

/**
 * Automatic persisted queries, Apollo's protocol (GET or POST, single or batched):
 * 1. a request with only `extensions.persistedQuery { version: 1, sha256Hash }` runs the stored query of
 *    that hash, or is answered PERSISTED_QUERY_NOT_FOUND (HTTP 404) when the server does not know it;
 * 2. the client then resends the hash with `query`; the server checks the hash (a wrong one is
 *    PERSISTED_QUERY_MISMATCH, HTTP 400), runs the query and remembers it;
 * 3. later requests send only the hash.
 * A query text is remembered only once it has run (parsed, validated and allowed for the caller's role),
 * so callers without a valid key cannot fill the store. The store is in memory, per server process.
 */
export function usePersistedQueries(options: PersistedQueryOptions = {}): Plugin {
  // Hash → query text.
  const store = new RecentMap<string, string>(options.maxEntries ?? 1000);
  /** Requests whose text was checked against their hash, waiting for a successful execute to be stored. */
  const verified = new WeakMap<object, string>();
  return {
    onParams({ params, setParams }) {
      const persisted = persistedQueryOf(params.extensions);
      if (persisted === null) return;
      if (params.query === undefined || params.query === null || params.query === '') {
        const query = store.get(persisted.sha256Hash);
        if (query === undefined) {
          throw apqError('PersistedQueryNotFound', 'PERSISTED_QUERY_NOT_FOUND', 404);
        }
        setParams({ ...params, query });
        return;
      }
      if (persistedQueryHash(params.query) !== persisted.sha256Hash) {
        throw apqError(
          'PersistedQueryMismatch: extensions.persistedQuery.sha256Hash is not the SHA-256 of the query text.',
          'PERSISTED_QUERY_MISMATCH',
          400,
        );
      }
      verified.set(params, persisted.sha256Hash);
    },
    onExecute({ args }) {
      const params = (args.contextValue as { params?: { query?: string } }).params;
      const hash = params === undefined ? undefined : verified.get(params);
      if (hash !== undefined && typeof params?.query === 'string') store.set(hash, params.query);
    },
  };
}
