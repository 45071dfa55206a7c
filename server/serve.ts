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
  /** Keep running until SIGINT/SIGTERM (the CLI). Default true; tests pass false and call `close`. */
  readonly untilSignal?: boolean;
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
 * (`key:role,…`). Runs until SIGINT/SIGTERM unless `untilSignal: false`.
 * @throws ServerConfigError for an unsafe bind (see {@link listen}) or bad keys.
 */
export async function serveCommand(options: ServeOptions = {}): Promise<RunningServer> {
  const { port, host, allowUnauthenticated, untilSignal, log, dataDir, configPath, ...appOptions } = options;
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
  (log ?? console.log)(
    `chainql GraphQL API at ${running.url}${app.apiKeys.size === 0 ? ' (no API keys configured: open to local callers)' : ''}`,
  );
  if (untilSignal !== false) {
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  }
  return { ...running, close };
}
