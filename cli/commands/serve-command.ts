import type { Command } from 'commander';
import { serveCommand } from '../../server/serve.ts';

/** Options of {@link startServer}. */
export interface StartServerOptions {
  readonly dataDir?: string;
  readonly port: number;
  readonly host: string;
  readonly allowUnauthenticated?: boolean;
}

/** Starts the GraphQL server and keeps the process alive until SIGINT/SIGTERM. */
export async function startServer(options: StartServerOptions): Promise<void> {
  await serveCommand(options);
}

/** `chainql serve [--port 4000] [--host 127.0.0.1] [--data DIR]`. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'Serve every saved dataset through the generated GraphQL API at /graphql (GraphiQL in a browser).\n' +
        'API keys come from CHAINQL_API_KEYS ("key:role,…", roles reader|writer|admin). Without keys the\n' +
        'server only binds to loopback unless --allow-unauthenticated is given.',
    )
    .option('--port <port>', 'port to listen on', '4000')
    .option('--host <host>', 'host to bind', '127.0.0.1')
    .option('--data <dir>', 'data directory (default: $CHAINQL_DATA_DIR or ./.chainql)')
    .option('--allow-unauthenticated', 'allow binding a non-loopback host without API keys')
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
