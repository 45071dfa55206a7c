import type { GraphqlErrorPayload } from './cli-errors.ts';

/** A GraphQL response as the server sends it. */
export interface GraphqlResponse {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly GraphqlErrorPayload[];
  readonly extensions?: Record<string, unknown>;
}

/** Where `chainql query` sends operations: a running server (`--url`) or the local data directory. */
export interface GraphqlTarget {
  /** Runs one operation; HTTP-level failures (401, 403, …) come back as `errors` too. */
  execute(query: string, variables: Record<string, unknown>): Promise<GraphqlResponse>;
  /** Releases the local app (read threads, SQLite); no-op for a URL. */
  close(): Promise<void>;
}

/** Options of {@link openGraphqlTarget}. */
export interface GraphqlTargetOptions {
  /** `http://host:port/graphql` of a running `chainql serve`; default: the local data directory. */
  readonly url?: string;
  /** API key sent to the server as `Authorization: Bearer <key>`. */
  readonly apiKey?: string;
  /** Data directory served in-process when no `url` is given (must exist). */
  readonly dataDir?: string;
}

/**
 * Opens a target. Locally the app is built with `createApp` and called through `app.fetch`, so the
 * query runs exactly as on a server (same compiler, limits, timeouts, row caps) without a port; the
 * data directory belongs to the caller, so no API key is needed there.
 */
export async function openGraphqlTarget(options: GraphqlTargetOptions): Promise<GraphqlTarget> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
  };
  if (options.url !== undefined) {
    const url = options.url;
    return {
      execute: async (query, variables) =>
        parseResponse(
          await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) }),
        ),
      close: async () => {},
    };
  }
  const { createApp } = await import('../server/app.ts');
  const app = await createApp({ dataDir: options.dataDir, apiKeys: new Map(), graphiql: false });
  return {
    execute: async (query, variables) =>
      parseResponse(
        await app.fetch('http://localhost/graphql', {
          method: 'POST',
          headers,
          body: JSON.stringify({ query, variables }),
        }),
      ),
    close: () => app.close(),
  };
}

async function parseResponse(response: Response): Promise<GraphqlResponse> {
  const text = await response.text();
  try {
    return JSON.parse(text) as GraphqlResponse;
  } catch {
    return {
      errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 200)}`, extensions: { code: 'HTTP' } }],
    };
  }
}
