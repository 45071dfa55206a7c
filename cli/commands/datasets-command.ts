import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { BadFlagError, ConfirmationRequiredError, QueryFailedError } from '../cli-errors.ts';
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
      'Delete one version of a dataset (--version) or the whole dataset (every version) with its data, in ' +
        'the data directory or on a running server (--url, $CHAINQL_URL) through its admin-only ' +
        'delete_dataset mutation (an admin key with --api-key or $CHAINQL_API_KEY when the server has keys). ' +
        'Asks for confirmation on a terminal unless --yes; without a terminal --yes is required. Other ' +
        'versions are not touched.',
    )
    .argument('<name>', 'dataset name')
    .option('--version <version>', 'delete only this version (default: every version)')
    .option('--yes', 'do not ask for confirmation')
    .option('--data <dir>', DATA_FLAG_HELP)
    .option('--url <url>', 'GraphQL URL of a running server (default: $CHAINQL_URL; else the local data)')
    .option('--api-key <key>', 'admin API key for --url (default: $CHAINQL_API_KEY)')
    .action(async (name: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{
        version?: string;
        yes?: boolean;
        data?: string;
        url?: string;
        apiKey?: string;
      }>();
      const url = options.url ?? process.env.CHAINQL_URL;
      if (url !== undefined && options.data !== undefined)
        throw new BadFlagError(
          '--url',
          'give either a server (--url or $CHAINQL_URL) or a data directory (--data), not both.',
        );
      const target: DeleteTarget =
        url !== undefined
          ? await serverTarget(url, options.apiKey ?? process.env.CHAINQL_API_KEY)
          : await localTarget(existingDataDir(options.data, MISSING_HINT));
      try {
        // Resolve first, so an unknown name or version fails before anything is asked or deleted.
        const versions = await target.versions(name, options.version);
        const where = url === undefined ? '' : ` on ${url}`;
        const what = options.version
          ? `Deleting ${name}@${options.version} (${versions[0]?.rows} rows)${where}`
          : `Deleting dataset ${name} (${versions.length} version(s): ${versions.map((v) => v.version).join(', ')})${where}`;
        if (!options.yes) {
          if (!process.stdin.isTTY) throw new ConfirmationRequiredError(what);
          if (!(await confirm(`${what}?`))) {
            process.stderr.write('Nothing deleted.\n');
            return;
          }
        }
        for (const version of await target.remove(name, options.version))
          process.stdout.write(`deleted ${name}@${version}\n`);
      } finally {
        await target.close();
      }
    });
}

/** Where `datasets delete` deletes: the local data directory or a running server. */
interface DeleteTarget {
  /**
   * The versions that would be deleted (one with `version`, else all), with their row counts.
   * @throws DatasetNotFoundError / VersionNotFoundError naming what exists.
   */
  versions(name: string, version?: string): Promise<{ version: string; rows: number }[]>;
  /** Deletes them; returns the deleted versions, oldest first. */
  remove(name: string, version?: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Deletes through the registry of the data directory (no auth: the directory is the caller's). */
async function localTarget(dataDir: string): Promise<DeleteTarget> {
  const { openSession } = await import('../../compute/session.ts');
  const session = await openSession({ dataDir });
  const resolveVersions = async (name: string, version?: string) =>
    version ? [await session.registry.getVersion(name, version)] : await session.registry.listVersions(name);
  return {
    versions: resolveVersions,
    async remove(name, version) {
      const deleted: string[] = [];
      for (const v of await resolveVersions(name, version)) {
        await session.registry.deleteVersion(name, v.version);
        deleted.push(v.version);
      }
      return deleted;
    },
    close: () => session.close(),
  };
}

const LIST_VERSIONS = '{ datasets { name versions { version rows } } }';
const DELETE_DATASET = `mutation($name: String!, $version: String) {
  delete_dataset(name: $name, version: $version) { deleted_versions }
}`;

/**
 * Deletes through a server's `delete_dataset` mutation, so the server's auth decides (admin only) and its
 * schema is rebuilt before the answer. Versions are resolved from the `datasets` field (any key can read it).
 */
async function serverTarget(url: string, apiKey: string | undefined): Promise<DeleteTarget> {
  const { openGraphqlTarget } = await import('../graphql-target.ts');
  const { DatasetNotFoundError, VersionNotFoundError } = await import(
    '../../compute/registry/registry-errors.ts'
  );
  const graphql = await openGraphqlTarget({ url, ...(apiKey ? { apiKey } : {}) });
  const run = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await graphql.execute(query, variables);
    if (response.errors?.length) throw new QueryFailedError(response.errors);
    return response.data ?? {};
  };
  return {
    async versions(name, version) {
      const datasets = (await run(LIST_VERSIONS)).datasets as {
        name: string;
        versions: { version: string; rows: number }[];
      }[];
      const dataset = datasets.find((d) => d.name === name);
      if (dataset === undefined)
        throw new DatasetNotFoundError(
          name,
          datasets.map((d) => d.name),
        );
      if (version === undefined) return dataset.versions;
      const one = dataset.versions.find((v) => v.version === version);
      if (one === undefined)
        throw new VersionNotFoundError(
          name,
          version,
          dataset.versions.map((v) => v.version),
        );
      return [one];
    },
    async remove(name, version) {
      const data = await run(DELETE_DATASET, { name, version: version ?? null });
      return (data.delete_dataset as { deleted_versions: string[] }).deleted_versions;
    },
    close: () => graphql.close(),
  };
}
