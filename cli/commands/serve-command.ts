import type { Command } from 'commander';
import { ChainqlError } from '../../schema/errors.ts';
import { namedConfig } from '../config-flag.ts';
import { existingDataDir, WAREHOUSE_FLAG_HELP } from '../data-dir.ts';
import { parsePort } from '../parse-port.ts';
import { type StopSignals, watchStopSignals } from '../stop-signals.ts';

/** The port `serve`/`demo` should listen on is taken by another process. */
export class PortInUseError extends ChainqlError {
  constructor(
    readonly host: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(
      'PORT_IN_USE',
      `Port ${port} on ${host} is already in use (another chainql serve or demo?). Stop that process or pass ` +
        '--port <n> (0 picks a free one), e.g. `npm run demo -- --port 4001`.',
      options,
    );
  }
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  readonly dataDir?: string;
  readonly port: number;
  readonly host: string;
  readonly allowUnauthenticated?: boolean;
  /** Pipelines config module (default `$CHAINQL_CONFIG` or `./chainql.config.ts`). */
  readonly configPath?: string;
  /** Receives the "listening at URL" line (default console.log). */
  readonly log?: (line: string) => void;
  /**
   * Serve until this aborts (then close and return). Default: until SIGINT/SIGTERM, watched from this call
   * on (before the server stack is even loaded).
   */
  readonly stopSignal?: AbortSignal;
}

/**
 * Starts the GraphQL server and keeps the process alive until stopped (SIGINT/SIGTERM or `stopSignal`); a
 * stop at any moment, start-up included, closes everything and returns normally (exit code 0).
 * @throws PortInUseError when the port is taken; ServerConfigError for an unsafe bind (see server/serve.ts).
 */
export async function startServer(options: StartServerOptions): Promise<void> {
  const own = options.stopSignal === undefined ? watchStopSignals() : undefined;
  const stopSignal = options.stopSignal ?? (own as StopSignals).claim();
  try {
    // Loaded on use: the server stack takes seconds to import, which `chainql --help` should not pay.
    if (stopSignal.aborted) return;
    const { serveCommand } = await import('../../server/serve.ts');
    // Stopped while loading: nothing was opened, nothing to close.
    if (stopSignal.aborted) return;
    await serveCommand({ ...options, stopSignal });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EADDRINUSE') {
      throw new PortInUseError(options.host, options.port, { cause: error });
    }
    throw error;
  } finally {
    own?.release();
  }
}

/**
 * `chainql serve [--port 4000] [--host 127.0.0.1] [--data DIR]`.
 * @param stops the process's stop requests: `serve` claims them, so SIGINT/SIGTERM at any moment closes the
 *   server cleanly (exit code 0).
 */
export function registerServeCommand(program: Command, stops: StopSignals): void {
  program
    .command('serve')
    .summary('serve the saved datasets through the GraphQL API')
    .description(
      'Serve every saved dataset through the generated GraphQL API at http://HOST:PORT/graphql (GraphiQL ' +
        'in a browser) until Ctrl+C or SIGTERM; the URL is printed once listening. API keys come from ' +
        'CHAINQL_API_KEYS ("key:role,…", roles reader|writer|admin). Without keys the server only binds ' +
        'to loopback unless --allow-unauthenticated is given.',
    )
    .option('--warehouse <url>', WAREHOUSE_FLAG_HELP)
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 4000)
    .option('--host <host>', 'host to bind; a non-loopback host needs API keys', '127.0.0.1')
    .option('--data <dir>', 'data directory (default: $CHAINQL_DATA_DIR or ./.chainql); must exist')
    .option('--create', 'create the data directory when it does not exist (an empty API until a save)')
    .option('--allow-unauthenticated', 'bind a non-loopback host even without API keys (anyone can query)')
    .option(
      '--config <path>',
      'module defining pipelines (mutations); default $CHAINQL_CONFIG or ./chainql.config.ts if present',
    )
    .action(
      async (options: {
        port: number;
        host: string;
        data?: string;
        create?: boolean;
        allowUnauthenticated?: boolean;
        config?: string;
      }) => {
        // A typo in --data or --config must not serve an empty API or one without its pipelines.
        namedConfig(options.config);
        const dataDir = options.create
          ? options.data
          : existingDataDir(
              options.data,
              'Pass --create to start with an empty one, or build the demo with `chainql demo --no-serve`.',
            );
        await startServer({
          ...(options.config ? { configPath: options.config } : {}),
          dataDir,
          port: options.port,
          host: options.host,
          allowUnauthenticated: options.allowUnauthenticated ?? false,
          stopSignal: stops.claim(),
        });
      },
    );
}
