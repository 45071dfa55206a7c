import type { Command } from 'commander';
import { parsePort } from '../parse-port.ts';

/** `chainql demo`: builds the demo datasets with real chains and serves them with GraphiQL. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .summary('build the demo datasets and serve them with GraphiQL')
    .description(
      'Build two sample datasets from the bundled detections file (cli/demo/detections.jsonl) with real ' +
        'chains: "detections" (240 rows, with a computed det.area) and "label_stats" (rows per label). ' +
        'Everything runs on the embedded SQLite Data Memory: no Redis, no cloud account. Then serve them ' +
        'like `chainql serve` at http://HOST:PORT/graphql (GraphiQL in a browser) until Ctrl+C. Running it ' +
        'again reuses the saved versions.',
    )
    .option('--data <dir>', 'data directory (default: $CHAINQL_DATA_DIR or ./.chainql)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 4000)
    .option('--host <host>', 'host to bind (loopback only unless API keys are configured)', '127.0.0.1')
    .option('--no-serve', 'only build the datasets, then exit')
    .addHelpText('after', '\nExample:\n  chainql demo --no-serve && chainql datasets')
    .action(async (options: { data?: string; port: number; host: string; serve: boolean }) => {
      const { openSession } = await import('../../compute/session.ts');
      const { buildDemoDatasets } = await import('../demo/demo-chain.ts');
      const session = await openSession({ dataDir: options.data });
      try {
        const versions = await buildDemoDatasets(session);
        for (const v of versions) process.stdout.write(`saved ${v.name}@${v.version} (${v.rows} rows)\n`);
      } finally {
        await session.close();
      }
      if (!options.serve) return;
      const { startServer } = await import('./serve-command.ts');
      await startServer({ dataDir: options.data, port: options.port, host: options.host });
    });
}
