/** One entry of a GraphQL response's `errors`. */
export interface GraphqlError {
  readonly message: string;
  readonly locations?: readonly { readonly line: number; readonly column: number }[];
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly code?: string; readonly [key: string]: unknown };
}

/** A GraphQL response as the app sends it. */
export interface GraphqlResult {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly GraphqlError[];
  readonly extensions?: Record<string, unknown>;
}

/** Runs one GraphQL operation as the MCP caller (same key, so the same role, limits and timeouts). */
export type GraphqlCaller = (query: string, variables?: Record<string, unknown>) => Promise<GraphqlResult>;

/** Anything with yoga's `fetch` (a `ChainqlApp`). */
export interface FetchingApp {
  fetch(input: string, init: RequestInit): Response | Promise<Response>;
}

/**
 * A caller that posts to the app's `/graphql` through `app.fetch` (no port, no HTTP hop) with the given
 * auth headers, so the MCP tools go through exactly what an HTTP client goes through: the auth plugin
 * (roles), query limits, per-operation timeouts, row caps and error masking.
 */
export function appCaller(app: FetchingApp, authHeaders: Record<string, string>): GraphqlCaller {
  return async (query, variables = {}) => {
    const response = await app.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...authHeaders,
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    try {
      return JSON.parse(text) as GraphqlResult;
    } catch {
      return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 300)}` }] };
    }
  };
}

/** `message (line 1, column 7) [CODE]` per error, one per line: what an agent needs to fix its query. */
export function formatGraphqlErrors(errors: readonly GraphqlError[]): string {
  return errors
    .map((error) => {
      const at = error.locations?.[0];
      const where = at ? ` (line ${at.line}, column ${at.column})` : '';
      const path = error.path?.length ? ` at ${error.path.join('.')}` : '';
      const code = error.extensions?.code ? ` [${error.extensions.code}]` : '';
      return `- ${error.message}${where}${path}${code}`;
    })
    .join('\n');
}
