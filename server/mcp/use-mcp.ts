import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Plugin } from 'graphql-yoga';
import { type ApiKeys, requestKey } from '../plugins/use-auth.ts';
import { appCaller, type FetchingApp } from './graphql-caller.ts';
import { createMcpServer } from './mcp-tools.ts';

/** Options of {@link useMcp}. */
export interface UseMcpOptions {
  /** The app's API keys (empty: no auth, every caller is admin — the server binds to loopback then). */
  readonly apiKeys: ApiKeys;
  /** The app itself (resolved lazily: the plugin is created before the yoga instance). */
  readonly app: () => FetchingApp;
  /** Path of the endpoint. Default `/mcp`. */
  readonly path?: string;
  /** See `McpServerOptions.maxResultChars`. */
  readonly maxResultChars?: number;
}

function jsonRpcError(status: number, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * Serves the MCP tools (see `createMcpServer`) over streamable HTTP at `/mcp`, next to `/graphql`, in
 * stateless mode: every POST gets its own MCP server built for the key it presents, answers as JSON,
 * and is closed. The key (`Authorization: Bearer` or `x-api-key`) is checked here with the app's keys
 * (401 when missing or unknown) and forwarded to `/graphql` by the tools, so roles, limits, timeouts
 * and row caps are exactly the GraphQL API's. GET/DELETE (server-initiated streams, sessions) get 405.
 */
export function useMcp(options: UseMcpOptions): Plugin {
  const path = options.path ?? '/mcp';
  return {
    onRequest({ url, request, endResponse }) {
      if (url.pathname !== path) return;
      if (request.method !== 'POST') {
        endResponse(
          jsonRpcError(405, -32000, 'Method not allowed: this MCP endpoint is stateless (POST only).'),
        );
        return;
      }
      const key = requestKey(request);
      const role =
        options.apiKeys.size === 0 ? 'admin' : key === undefined ? undefined : options.apiKeys.get(key);
      if (role === undefined) {
        endResponse(
          jsonRpcError(
            401,
            -32001,
            key === undefined
              ? 'A valid API key is required (Authorization: Bearer <key> or x-api-key).'
              : 'Unknown API key.',
          ),
        );
        return;
      }
      const headers: Record<string, string> = key === undefined ? {} : { authorization: `Bearer ${key}` };
      return (async () => {
        const server = await createMcpServer({
          call: appCaller(options.app(), headers),
          role,
          ...(options.maxResultChars ? { maxResultChars: options.maxResultChars } : {}),
        });
        const transport = new WebStandardStreamableHTTPServerTransport({
          sessionIdGenerator: undefined,
          enableJsonResponse: true,
        });
        try {
          await server.connect(transport);
          endResponse(await transport.handleRequest(request));
        } finally {
          await server.close();
        }
      })();
    },
  };
}
