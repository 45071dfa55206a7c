import {
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
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

/** Whether `role` is `needed` or above it (reader < writer < admin). */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/**
 * Field-config `extensions` marking a root field that needs more than its operation type does, e.g.
 * `delete_dataset` (a mutation, yet admin-only): `{ extensions: requireRole('admin') }`. The auth plugin
 * refuses an operation selecting such a field for a lower role before anything runs.
 */
export function requireRole(role: Role): { readonly requiredRole: Role } {
  return { requiredRole: role };
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
      if (operation === undefined) return;
      if (!roleAllows(role, operation.operation as 'query' | 'mutation' | 'subscription')) {
        throw new GraphQLError(`Role '${role}' may not run ${operation.operation}s.`, {
          extensions: { code: 'FORBIDDEN', http: { status: 403 } },
        });
      }
      // Checked for the whole operation before it runs, so a refused field never leaves the others half done.
      for (const [field, needed] of requiredRoles(args.schema, operation, definitions)) {
        if (!roleAtLeast(role, needed)) {
          throw new GraphQLError(`Role '${role}' may not run ${field}: it needs the ${needed} role.`, {
            extensions: { code: 'FORBIDDEN', http: { status: 403 } },
          });
        }
      }
    },
  };
}

/** Root fields of `operation` (through fragments) whose config asks for a role (see {@link requireRole}). */
function requiredRoles(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  definitions: readonly DefinitionNode[],
): [string, Role][] {
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  const fields = root?.getFields() ?? {};
  const fragments = new Map(
    definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const out: [string, Role][] = [];
  const seen = new Set<string>();
  const visit = (selections: SelectionSetNode): void => {
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD) {
        const needed = fields[selection.name.value]?.extensions?.requiredRole as Role | undefined;
        if (needed !== undefined) out.push([selection.name.value, needed]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment !== undefined) visit(fragment.selectionSet);
      }
    }
  };
  visit(operation.selectionSet);
  return out;
}
