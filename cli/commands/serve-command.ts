import type { Command } from 'commander';

/** Options of {@link startServer}. */
export interface StartServerOptions {
  readonly dataDir?: string;
  readonly port: number;
  readonly host: string;
  readonly allowUnauthenticated?: boolean;
}

/** Starts the GraphQL server and keeps the process alive until SIGINT/SIGTERM. */
export async function startServer(options: StartServerOptions): Promise<void> {
  // Loaded on use: the server stack takes seconds to import, which `chainql --help` should not pay.
  const { serveCommand } = await import('../../server/serve.ts');
  await serveCommand(options);
}

/** `chainql serve [--port 4000] [--host 127.0.0.1] [--data DIR]`. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .summary('serve the saved datasets through the GraphQL API')
    .description(
      'Serve every saved dataset through the generated GraphQL API at http://HOST:PORT/graphql (GraphiQL ' +
        'in a browser) until Ctrl+C or SIGTERM; the URL is printed once listening. API keys come from ' +
        'CHAINQL_API_KEYS ("key:role,…", roles reader|writer|admin). Without keys the server only binds ' +
        'to loopback unless --allow-unauthenticated is given.',
    )
    .option('--port <port>', 'port to listen on (0 picks a free one)', '4000')
    .option('--host <host>', 'host to bind; a non-loopback host needs API keys', '127.0.0.1')
    .option('--data <dir>', 'data directory (default: $CHAINQL_DATA_DIR or ./.chainql)')
    .option('--allow-unauthenticated', 'bind a non-loopback host even without API keys (anyone can query)')
    .action(
      async (options: { port: string; host: string; data?: string; allowUnauthenticated?: boolean }) => {
        await startServer({
          dataDir: options.data,
          port: Number(options.port),
          host: options.host,
          allowUnauthenticated: options.allowUnauthenticated ?? false,
        });
      },
    );
}
