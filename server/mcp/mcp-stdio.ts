import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { openJobManager } from '../../compute/pipelines/open-job-manager.ts';
import { openSession } from '../../compute/session.ts';
import { createApp } from '../app.ts';
import { ServerConfigError } from '../server-errors.ts';
import { appCaller } from './graphql-caller.ts';
import { createMcpServer } from './mcp-tools.ts';

/** Options of {@link runMcpStdio} (`chainql mcp`). */
export interface McpStdioOptions {
  /** Data directory (default `CHAINQL_DATA_DIR` or `./.chainql`). */
  readonly dataDir?: string;
  /** Pipelines config module (default `CHAINQL_CONFIG` or `./chainql.config.ts` when present). */
  readonly configPath?: string;
  /**
   * The caller's API key (default `CHAINQL_API_KEY`). When API keys are configured (`CHAINQL_API_KEYS`)
   * it picks the role exactly as on the HTTP server; without configured keys the local user is admin.
   */
  readonly apiKey?: string;
  /** Streams to speak on. Default process stdin/stdout. */
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdout?: NodeJS.WritableStream;
}

/**
 * Serves the MCP tools over stdio until the client closes stdin: the app (`createApp`) and the job
 * manager (pipelines from the config, jobs in this process or on BullMQ workers) run in this process.
 * Nothing but MCP messages is written to stdout.
 * @throws ServerConfigError when keys are configured and the given key is missing or unknown.
 */
export async function runMcpStdio(options: McpStdioOptions = {}): Promise<void> {
  const session = await openSession(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  const jobs = await openJobManager({
    session,
    ...(options.configPath ? { configPath: options.configPath } : {}),
  });
  const app = await createApp({ session, jobs, graphiql: false, logError: (e) => console.error(e) });
  const close = async (): Promise<void> => {
    await app.close();
    await jobs.close();
    await session.close();
  };
  try {
    const key = options.apiKey ?? process.env.CHAINQL_API_KEY;
    const role = app.apiKeys.size === 0 ? 'admin' : key === undefined ? undefined : app.apiKeys.get(key);
    if (role === undefined) {
      throw new ServerConfigError(
        key === undefined
          ? 'CHAINQL_API_KEYS is set: pass the key this MCP client acts with (--api-key or CHAINQL_API_KEY).'
          : 'Unknown API key (not in CHAINQL_API_KEYS).',
      );
    }
    const server = await createMcpServer({
      call: appCaller(app, key === undefined ? {} : { authorization: `Bearer ${key}` }),
      role,
    });
    const transport = new StdioServerTransport(
      (options.stdin ?? process.stdin) as never,
      (options.stdout ?? process.stdout) as never,
    );
    const closed = new Promise<void>((resolve) => {
      transport.onclose = () => resolve();
    });
    await server.connect(transport);
    const stdin = options.stdin ?? process.stdin;
    await Promise.race([closed, new Promise<void>((resolve) => stdin.once('end', () => resolve()))]);
    await server.close();
  } finally {
    await close();
  }
}
