import type { Command } from 'commander';
import { openSession } from '../../compute/session.ts';

/** `chainql datasets [--data DIR] [--json]`: lists datasets and their versions. */
export function registerDatasetsCommand(program: Command): void {
  program
    .command('datasets')
    .description('List saved datasets with their versions, row counts and creation times.')
    .option('--data <dir>', 'data directory (default: $CHAINQL_DATA_DIR or ./.chainql)')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { data?: string; json?: boolean }) => {
      const session = await openSession({ dataDir: options.data });
      try {
        const out: { name: string; versions: { version: string; rows: number; createdAt: string }[] }[] = [];
        for (const dataset of await session.registry.listDatasets()) {
          const versions = await session.registry.listVersions(dataset.name);
          out.push({
            name: dataset.name,
            versions: versions.map((v) => ({ version: v.version, rows: v.rows, createdAt: v.createdAt.toISOString() })),
          });
        }
        if (options.json) {
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
          return;
        }
        if (out.length === 0) process.stdout.write(`No datasets in ${session.dataDir}.\n`);
        for (const dataset of out) {
          process.stdout.write(`${dataset.name}\n`);
          for (const v of dataset.versions) process.stdout.write(`  ${v.version.padEnd(10)} ${String(v.rows).padStart(10)} rows  ${v.createdAt}\n`);
        }
      } finally {
        await session.close();
      }
    });
}
