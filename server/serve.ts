import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openJobManager } from '../compute/pipelines/open-job-manager.ts';
import { openSession, type Session } from '../compute/session.ts';
import { type ChainqlApp, type CreateAppOptions, createApp } from './app.ts';
import { ServerConfigError } from './server-errors.ts';

/** Options of {@link serveCommand} (`chainql serve`). */
export interface ServeOptions extends Omit<CreateAppOptions, 'dataDir'> {
  /** Data directory (default `CHAINQL_DATA_DIR` or `./.chainql`). */
  readonly dataDir?: string | undefined;
  /** Port; 0 picks a free one. Default 4000. */
  readonly port?: number;
  /** Host to bind. Default 127.0.0.1. */
  readonly host?: string;
  /** Bind a non-loopback host even without API keys. Default false. */
  readonly allowUnauthenticated?: boolean;
  /**
   * Keep running until SIGINT/SIGTERM (the CLI), then close and return. The handlers are installed before
   * anything is opened, so a signal during start-up (or right after the URL is printed) also closes cleanly.
   * Default true; tests pass false and call `close`.
   */
  readonly untilSignal?: boolean;
  /**
   * Keep running until this aborts, then close and return, instead of listening for signals itself (the CLI
   * passes the stop request it has watched since the process started). Aborted before the server listens:
   * it closes at once and prints no URL.
   */
  readonly stopSignal?: AbortSignal;
  /** Config module with the pipelines (default `CHAINQL_CONFIG` or `./chainql.config.ts`; none is fine). */
  readonly configPath?: string;
  /** Where to print the URL. Default console.log. */
  readonly log?: (line: string) => void;
}

/** A listening server. */
export interface RunningServer {
  readonly app: ChainqlApp;
  readonly server: Server;
  /** `http://host:port/graphql`. */
  readonly url: string;
  close(): Promise<void>;
}

/** True for loopback hosts (`127.0.0.0/8`, `::1`, `localhost`). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * Starts an HTTP server for an app (`app` is a Node request listener).
 * @throws ServerConfigError when binding a non-loopback host without API keys and without
 *   `allowUnauthenticated`.
 */
export async function listen(
  app: ChainqlApp,
  options: { port?: number; host?: string; allowUnauthenticated?: boolean } = {},
): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && app.apiKeys.size === 0 && options.allowUnauthenticated !== true) {
    throw new ServerConfigError(
      `Refusing to serve on '${host}' without API keys: set CHAINQL_API_KEYS (e.g. "key1:reader,key2:admin") ` +
        'or pass --allow-unauthenticated.',
    );
  }
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4000, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    app,
    server,
    url: `http://${shown}:${address.port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * `chainql serve [--port 4000] [--host 127.0.0.1] [--data DIR] [--allow-unauthenticated]`: serves every
 * saved dataset at `/graphql` (GraphiQL in a browser). API keys come from `CHAINQL_API_KEYS`
 * (`key:role,…`). Runs until SIGINT/SIGTERM (or `stopSignal`) unless `untilSignal: false`; a signal at any
 * point of start-up or serving closes the server, the job manager and the session, and returns.
 * @throws ServerConfigError for an unsafe bind (see {@link listen}) or bad keys.
 */
export async function serveCommand(options: ServeOptions = {}): Promise<RunningServer> {
  const { stopSignal, untilSignal, ...rest } = options;
  // Watch for signals before opening anything: a signal without a listener ends the process at once.
  const watch = stopSignal === undefined && untilSignal !== false ? watchStopSignals() : undefined;
  try {
    return await serveUntil(rest, stopSignal ?? watch?.signal);
  } finally {
    // Only after closing: a second signal during the close is absorbed, not fatal.
    watch?.dispose();
  }
}

/** Starts the server; with `stop`, waits for it to abort and closes before returning. */
async function serveUntil(
  options: Omit<ServeOptions, 'stopSignal' | 'untilSignal'>,
  stop: AbortSignal | undefined,
): Promise<RunningServer> {
  const { port, host, allowUnauthenticated, log, dataDir, configPath, ...appOptions } = options;
  // Pipelines from the config module become mutations; jobs run in-process, or on BullMQ workers when
  // CHAINQL_REDIS_URL is set. The session is shared by the app and the job manager.
  const session = appOptions.session
    ? undefined
    : await openSession(dataDir === undefined ? {} : { dataDir });
  const served = appOptions.session ?? session!;
  let jobs: Awaited<ReturnType<typeof openJobManager>> | undefined;
  let app: ChainqlApp;
  try {
    jobs = appOptions.jobs
      ? undefined
      : await openJobManager({ session: served as Session, configPath, ...(log ? { log } : {}) });
    app = await createApp({ ...appOptions, session: served, jobs: appOptions.jobs ?? jobs });
  } catch (error) {
    await jobs?.close();
    await session?.close();
    throw error;
  }
  const release = async (): Promise<void> => {
    await app.close();
    await jobs?.close();
    await session?.close();
  };
  let running: RunningServer;
  try {
    running = await listen(app, {
      port: port ?? 4000,
      host: host ?? '127.0.0.1',
      allowUnauthenticated: allowUnauthenticated === true,
    });
  } catch (error) {
    await release();
    throw error;
  }
  const close = async (): Promise<void> => {
    await running.close();
    await release();
  };
  if (!stop?.aborted)
    (log ?? console.log)(
      `chainql GraphQL API at ${running.url}${app.apiKeys.size === 0 ? ' (no API keys configured: open to local callers)' : ''}`,
    );
  if (stop !== undefined) {
    if (!stop.aborted)
      await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
    await close();
  }
  return { ...running, close };
}

/** SIGINT/SIGTERM as an AbortSignal (the reason is the signal's name) until `dispose` removes the handlers. */
function watchStopSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals): void => controller.abort(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}
