/**
 * Runs the ClickHouse HTTP front (one chdb session) as its own process, so several test processes share one
 * ClickHouse over HTTP. Prints one JSON line `{ "url": … }` when ready; exits on SIGTERM, and when its stdin
 * closes — the parent died (a killed test worker) — so no front outlives the run that started it.
 * argv: [dataDir] — env CHAINQL_FRONT_USER / CHAINQL_FRONT_PASSWORD require credentials.
 */
import { startClickhouseHttpFront } from './clickhouse-http-front.ts';

const [path] = process.argv.slice(2);
const front = await startClickhouseHttpFront({
  ...(path ? { path } : {}),
  ...(process.env.CHAINQL_FRONT_USER ? { user: process.env.CHAINQL_FRONT_USER } : {}),
  ...(process.env.CHAINQL_FRONT_PASSWORD ? { password: process.env.CHAINQL_FRONT_PASSWORD } : {}),
});
process.stdout.write(`${JSON.stringify({ url: front.url })}\n`);
const stop = () => void front.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
