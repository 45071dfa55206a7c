/**
 * A loopback HTTP reverse proxy that forwards every request unchanged (headers included, so
 * signatures stay valid) to a target server and injects faults into a share of them:
 * a fixed delay, a connection reset before any response byte, or an HTTP 500.
 * Faults are drawn from a seeded generator so runs are reproducible.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Fault settings; shares are probabilities in [0, 1]. */
export interface FaultOptions {
  /** Delay added to every request before forwarding, in ms. Default 0. */
  delayMs?: number;
  /** Share of requests whose socket is destroyed without a response. Default 0. */
  resetShare?: number;
  /** Share of requests answered with HTTP 500. Default 0. */
  errorShare?: number;
  /** Share of requests whose response is cut after its headers and half its body. Default 0. */
  truncateShare?: number;
  /** Seed of the fault generator. Default 1. */
  seed?: number;
}

/** A running proxy; `faults` may be changed while it runs. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  faults: FaultOptions;
  /**
   * Counters; `signed` counts requests that carried an `Authorization` header; `inFlight` is the number of
   * requests not yet answered and `maxInFlight` its high-water mark (reset it to measure one phase).
   */
  readonly stats: {
    requests: number;
    resets: number;
    errors: number;
    truncations: number;
    signed: number;
    inFlight: number;
    maxInFlight: number;
  };
  close(): Promise<void>;
}

/** Starts a proxy in front of `target` (`http://host:port`). */
export async function startFaultProxy(target: string, faults: FaultOptions = {}): Promise<FaultProxy> {
  const to = new URL(target);
  const stats = {
    requests: 0,
    resets: 0,
    errors: 0,
    truncations: 0,
    signed: 0,
    inFlight: 0,
    maxInFlight: 0,
  };
  let state = (faults.seed ?? 1) >>> 0 || 1;
  const random = (): number => {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
  const proxy: FaultProxy = {
    endpoint: '',
    port: 0,
    faults,
    stats,
    close: async () => undefined,
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    res.once('close', () => stats.inFlight--);
    if (req.headers.authorization !== undefined) stats.signed++;
    const f = proxy.faults;
    const roll = random();
    const go = (): void => {
      if (roll < (f.resetShare ?? 0)) {
        stats.resets++;
        req.resume();
        req.socket.destroy();
        return;
      }
      if (roll < (f.resetShare ?? 0) + (f.errorShare ?? 0)) {
        stats.errors++;
        req.resume();
        req.on('end', () => {
          res.writeHead(500, { 'content-type': 'text/plain', connection: 'close' });
          res.end('injected fault');
        });
        return;
      }
      const truncate = roll < (f.resetShare ?? 0) + (f.errorShare ?? 0) + (f.truncateShare ?? 0);
      const upstream = request(
        {
          host: to.hostname,
          port: to.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent: agent,
        },
        (up) => {
          const length = Number(up.headers['content-length'] ?? 0);
          if (truncate && length > 1) {
            stats.truncations++;
            const chunks: Buffer[] = [];
            up.on('data', (c: Buffer) => chunks.push(c));
            up.on('end', () => {
              res.writeHead(up.statusCode ?? 502, up.headers);
              res.write(Buffer.concat(chunks).subarray(0, Math.floor(length / 2)));
              setTimeout(() => res.socket?.destroy(), 5);
            });
            return;
          }
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => req.socket.destroy());
      req.pipe(upstream);
    };
    const delay = f.delayMs ?? 0;
    if (delay > 0) setTimeout(go, delay);
    else go();
  });
  const { Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  Object.assign(proxy, {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return proxy;
}
