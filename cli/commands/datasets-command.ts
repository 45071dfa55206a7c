import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { ConfirmationRequiredError } from '../cli-errors.ts';
import { DATA_FLAG_HELP, existingDataDir, WAREHOUSE_FLAG_HELP } from '../data-dir.ts';

/** Names of the registry's internal caches (hidden from listings unless `--all`), loaded on use. */
async function internalDatasetTest(): Promise<(name: string) => boolean> {
  const { LISTING_DATASET_PREFIX } = await import('../../compute/storage/storage-listing.ts');
  const { DATABASE_READ_PREFIX } = await import('../../compute/database/database-source.ts');
  return (name) => name.startsWith(LISTING_DATASET_PREFIX) || name.startsWith(DATABASE_READ_PREFIX);
}

const MISSING_HINT = 'Pass --data with the directory holding chainql.db.';

/** Asks a yes/no question on the terminal; false unless the answer starts with y. */
async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/**
 * `chainql datasets [--data DIR] [--json]`: lists datasets and their versions; subcommands
 * `datasets show <name>` (schema tree, versions, keys, lineage) and `datasets delete <name>`.
 */
export function registerDatasetsCommand(program: Command): void {
  const datasets = program
    .command('datasets')
    .summary('list, show or delete saved datasets')
    .description(
      'List the saved datasets of a data directory: every version with its row count and creation time ' +
        '(UTC). The data directory is not created when it does not exist. Subcommands: `show <name>` ' +
        '(schema, versions, keys, lineage) and `delete <name>`.',
    )
    .option('--warehouse <url>', WAREHOUSE_FLAG_HELP)
    .option('--data <dir>', DATA_FLAG_HELP)
    .option('--json', 'print [{ name, versions: [{ version, rows, createdAt }] }] as JSON instead of a table')
    .option('--all', 'also list internal caches (storage listings `_listing.*`, database reads)')
    .action(async (options: { data?: string; json?: boolean; all?: boolean }) => {
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
        const isInternalDataset = await internalDatasetTest();
        for (const dataset of await session.registry.listDatasets()) {
          // Storage listings and database reads are caches of readStorage/readDatabase (not served either).
          if (!options.all && isInternalDataset(dataset.name)) continue;
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

  datasets
    .command('show')
    .summary('show a dataset: schema tree, versions, keys, lineage')
    .description(
      'Show one dataset: its schema as a tree (types, nullability, descriptions), every version with ' +
        'rows and creation time, the primary key and indexes, and the lineage (source datasets or storage ' +
        'listings) of the shown version (the latest unless --version).',
    )
    .argument('<name>', 'dataset name')
    .option('--version <version>', 'version to show (default: the latest)')
    .option('--data <dir>', DATA_FLAG_HELP)
    .option('--json', 'print the version record (schema JSON, keys, lineage) and the version list as JSON')
    .action(async (name: string, _options: unknown, command: Command) => {
      // --data may be parsed by `datasets` itself when given before `show`: read both levels.
      const options = command.optsWithGlobals<{ version?: string; data?: string; json?: boolean }>();
      const dataDir = existingDataDir(options.data, MISSING_HINT);
      const { openSession } = await import('../../compute/session.ts');
      const { describeVersion } = await import('../schema-tree.ts');
      const session = await openSession({ dataDir });
      try {
        const shown = await session.registry.getVersion(name, options.version);
        const versions = await session.registry.listVersions(name);
        process.stdout.write(
          options.json
            ? `${JSON.stringify({ ...shown, versions: versions.map((v) => ({ version: v.version, rows: v.rows, createdAt: v.createdAt })) }, null, 2)}\n`
            : describeVersion(shown, versions),
        );
      } finally {
        await session.close();
      }
    });

  datasets
    .command('delete')
    .summary('delete a dataset (every version) or one version')
    .description(
      'Delete one version of a dataset (--version) or the whole dataset (every version) with its data. ' +
        'Asks for confirmation on a terminal unless --yes; without a terminal --yes is required. Other ' +
        'versions are not touched.',
    )
    .argument('<name>', 'dataset name')
    .option('--version <version>', 'delete only this version (default: every version)')
    .option('--yes', 'do not ask for confirmation')
    .option('--data <dir>', DATA_FLAG_HELP)
    .action(async (name: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{ version?: string; yes?: boolean; data?: string }>();
      const dataDir = existingDataDir(options.data, MISSING_HINT);
      const { openSession } = await import('../../compute/session.ts');
      const session = await openSession({ dataDir });
      try {
        // Resolve first, so an unknown name or version fails before anything is asked or deleted.
        const versions = options.version
          ? [await session.registry.getVersion(name, options.version)]
          : await session.registry.listVersions(name);
        const what = options.version
          ? `Deleting ${name}@${options.version} (${versions[0]?.rows} rows)`
          : `Deleting dataset ${name} (${versions.length} version(s): ${versions.map((v) => v.version).join(', ')})`;
        if (!options.yes) {
          if (!process.stdin.isTTY) throw new ConfirmationRequiredError(what);
          if (!(await confirm(`${what}?`))) {
            process.stderr.write('Nothing deleted.\n');
            return;
          }
        }
        for (const v of versions) {
          await session.registry.deleteVersion(name, v.version);
          process.stdout.write(`deleted ${name}@${v.version}\n`);
        }
      } finally {
        await session.close();
      }
    });
}
