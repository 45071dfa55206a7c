import type { Command } from 'commander';
import { openSession } from '../../compute/session.ts';
import { buildDemoDatasets } from '../demo/demo-chain.ts';
import { startServer } from './serve-command.ts';

/** `chainql demo`: builds the demo datasets with real chains and serves them with GraphiQL. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Build sample datasets from the bundled detections file with real chains (embedded SQLite, no\n' +
        'Redis, no cloud), then serve them at http://HOST:PORT/graphql with the GraphiQL playground.',
    )
    .option('--data <dir>', 'data directory (default: $CHAINQL_DATA_DIR or ./.chainql)')
    .option('--port <port>', 'port to listen on', '4000')
    .option('--host <host>', 'host to bind', '127.0.0.1')
    .option('--no-serve', 'only build the datasets, do not start the server')
    .action(async (options: { data?: string; port: string; host: string; serve: boolean }) => {
      const session = await openSession({ dataDir: options.data });
      try {
        const versions = await buildDemoDatasets(session);
        for (const v of versions) process.stdout.write(`saved ${v.name}@${v.version} (${v.rows} rows)\n`);
      } finally {
        await session.close();
      }
      if (options.serve) await startServer({ dataDir: options.data, port: Number(options.port), host: options.host });
    });
}
