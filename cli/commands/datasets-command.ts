import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';

/** `chainql datasets [--data DIR] [--json]`: lists datasets and their versions. */
export function registerDatasetsCommand(program: Command): void {
  program
    .command('datasets')
    .summary('list saved datasets and their versions')
    .description(
      'List the saved datasets of a data directory: every version with its row count and creation time ' +
        '(UTC). The data directory is not created when it does not exist.',
    )
    .option('--data <dir>', 'data directory (default: $CHAINQL_DATA_DIR or ./.chainql)')
    .option('--json', 'print [{ name, versions: [{ version, rows, createdAt }] }] as JSON instead of a table')
    .action(async (options: { data?: string; json?: boolean }) => {
      const { defaultDataDir, openSession } = await import('../../compute/session.ts');
      const dataDir = options.data === undefined ? defaultDataDir() : resolve(options.data);
      if (!existsSync(dataDir)) {
        // Listing must not create a data directory as a side effect (a typo in --data would leave one behind).
        process.stdout.write(
          options.json
            ? '[]\n'
            : `No datasets: ${dataDir} does not exist. Build the demo with \`chainql demo --no-serve\`.\n`,
        );
        return;
      }
      const session = await openSession({ dataDir });
      try {
        const out: { name: string; versions: { version: string; rows: number; createdAt: string }[] }[] = [];
        for (const dataset of await session.registry.listDatasets()) {
          const versions = await session.registry.listVersions(dataset.name);
          out.push({
            name: dataset.name,
            versions: versions.map((v) => ({
              version: v.version,
              rows: v.rows,
              createdAt: v.createdAt.toISOString(),
            })),
          });
        }
        if (options.json) {
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
          return;
        }
        if (out.length === 0) process.stdout.write(`No datasets in ${session.dataDir}.\n`);
        for (const dataset of out) {
          process.stdout.write(`${dataset.name}\n`);
          for (const v of dataset.versions)
            process.stdout.write(
              `  ${v.version.padEnd(10)} ${String(v.rows).padStart(10)} rows  ${v.createdAt}\n`,
            );
        }
      } finally {
        await session.close();
      }
    });
}
