import { type DefinitionNode, type DocumentNode, GraphQLError, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ServerConfigError } from '../server-errors.ts';

/** Roles, each allowing more than the previous: reader (queries), writer (+ mutations), admin (+ registry changes). */
export type Role = 'reader' | 'writer' | 'admin';

const ROLES: readonly Role[] = ['reader', 'writer', 'admin'];

/** API key → role. */
export type ApiKeys = ReadonlyMap<string, Role>;

/**
 * Parses API keys from `CHAINQL_API_KEYS` syntax: comma-separated `key:role` pairs, e.g.
 * `k1:reader,k2:writer,k3:admin`. Whitespace around items is ignored; a key without a role is a reader.
 * @throws ServerConfigError for an unknown role or an empty key.
 */
export function parseApiKeys(text: string | undefined): Map<string, Role> {
  const keys = new Map<string, Role>();
  for (const item of (text ?? '').split(',')) {
    const trimmed = item.trim();
    if (trimmed === '') continue;
    const at = trimmed.lastIndexOf(':');
    const key = at < 0 ? trimmed : trimmed.slice(0, at).trim();
    const role = (at < 0 ? 'reader' : trimmed.slice(at + 1).trim()) as Role;
    if (key === '') throw new ServerConfigError('CHAINQL_API_KEYS: empty key.');
    if (!ROLES.includes(role)) {
      throw new ServerConfigError(`CHAINQL_API_KEYS: unknown role '${role}' (use reader, writer or admin).`);
    }
    keys.set(key, role);
  }
  return keys;
}

/** Whether `role` may run an operation of this type (queries: everyone; mutations/subscriptions: writer+). */
export function roleAllows(role: Role, operation: 'query' | 'mutation' | 'subscription'): boolean {
  return operation === 'query' || role === 'writer' || role === 'admin';
}

/** The key a request presents: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function requestKey(request: Request): string | undefined {
  const auth = request.headers.get('authorization');
  if (auth !== null) {
    const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (match) return match[1]?.trim();
  }
  return request.headers.get('x-api-key')?.trim() || undefined;
}

/**
 * API-key auth. With no keys configured every caller is admin (the server then binds to loopback only,
 * see `serve.ts`). Otherwise a missing/unknown key fails with UNAUTHENTICATED (HTTP 401) and an operation
 * the role may not run with FORBIDDEN (HTTP 403). The caller's role is put in the context as `role`.
 * The GraphiQL page itself is served without a key (it holds no data); its requests need one.
 */
export function useAuth(keys: ApiKeys): Plugin<{ role?: Role }> {
  return {
    onContextBuilding({ context, extendContext }) {
      if (keys.size === 0) {
        extendContext({ role: 'admin' });
        return;
      }
      const key = requestKey((context as { request: Request }).request);
      const role = key === undefined ? undefined : keys.get(key);
      if (role === undefined) {
        throw new GraphQLError(
          key === undefined
            ? 'A valid API key is required (Authorization: Bearer <key> or x-api-key).'
            : 'Unknown API key.',
          { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } },
        );
      }
      extendContext({ role });
    },
    onExecute({ args }) {
      const role = (args.contextValue as { role?: Role }).role ?? 'admin';
      const definitions = (args.document as DocumentNode).definitions;
      const operation = definitions.find(
        (d: DefinitionNode): d is OperationDefinitionNode =>
          d.kind === 'OperationDefinition' &&
          (args.operationName == null || d.name?.value === args.operationName),
      );
      if (
        operation !== undefined &&
        !roleAllows(role, operation.operation as 'query' | 'mutation' | 'subscription')
      ) {
        throw new GraphQLError(`Role '${role}' may not run ${operation.operation}s.`, {
          extensions: { code: 'FORBIDDEN', http: { status: 403 } },
        });
      }
    },
  };
}
