import { type Command, Option } from 'commander';
import { printRows } from '../../compute/chain/show.ts';
import { BadFlagError, QueryFailedError } from '../cli-errors.ts';
import { DATA_FLAG_HELP, existingDataDir, WAREHOUSE_FLAG_HELP } from '../data-dir.ts';
import { openGraphqlTarget } from '../graphql-target.ts';

/** Options of `chainql query` as commander parses them. */
interface QueryOptions {
  var: string[];
  format: 'json' | 'table';
  data?: string;
  url?: string;
  apiKey?: string;
}

/**
 * Parses `--var k=v` flags into GraphQL variables. The value is JSON when it parses as JSON
 * (`n=5`, `ok=true`, `ids=[1,2]`, `w={"a":1}`), else the text itself (`name=Ada`).
 * @throws BadFlagError for an item without `=` or with an empty name.
 */
export function parseVariables(items: readonly string[]): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0) throw new BadFlagError('--var', `expected name=value, got '${item}'.`);
    const raw = item.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // Not JSON: keep the text (so `--var name=Ada` needs no quotes).
    }
    variables[item.slice(0, at)] = value;
  }
  return variables;
}

/** Renders a response's data as one table per root field (nested fields as dot-path columns). */
export function dataAsTables(data: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [field, value] of Object.entries(data)) {
    const rows = Array.isArray(value) ? value : value === null ? [] : [value];
    parts.push(
      `${field}${Array.isArray(value) ? ` (${value.length} rows)` : ''}\n${printRows(
        rows.map((row) => (row !== null && typeof row === 'object' ? row : { value: row })) as Record<
          string,
          unknown
        >[],
      )}`,
    );
  }
  return parts.join('\n');
}

/** `chainql query '<graphql>' [--var k=v] [--format json|table]`: runs one GraphQL operation. */
export function registerQueryCommand(program: Command): void {
  program
    .command('query')
    .summary('run a GraphQL query against the saved datasets')
    .description(
      'Run one GraphQL operation (the API `chainql serve` serves) against the local data directory, or ' +
        'against a running server with --url. Prints the `data` as JSON (default) or as tables. GraphQL ' +
        'errors are printed one per line with their code and position; the exit code is then 1.',
    )
    .argument('<graphql>', "the operation, e.g. '{ photos(limit: 5) { det { label } } }'")
    .option('--warehouse <url>', WAREHOUSE_FLAG_HELP)
    .option(
      '--var <name=value>',
      'a variable (repeatable); the value is JSON when it parses as JSON, else text',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .addOption(
      new Option(
        '--format <format>',
        'output format: json (the data object) or table (one table per root field)',
      )
        .choices(['json', 'table'])
        .default('json'),
    )
    .option('--data <dir>', DATA_FLAG_HELP)
    .option('--url <url>', 'GraphQL URL of a running server (default: $CHAINQL_URL; else the local data)')
    .option('--api-key <key>', 'API key for --url (default: $CHAINQL_API_KEY)')
    .addHelpText(
      'after',
      `\nExamples:\n  chainql query '{ datasets { name } }'\n  chainql query 'query($n: Int) { photos(limit: $n) { _id } }' --var n=3 --format table`,
    )
    .action(async (query: string, options: QueryOptions) => {
      const variables = parseVariables(options.var);
      const url = options.url ?? process.env.CHAINQL_URL;
      const apiKey = options.apiKey ?? process.env.CHAINQL_API_KEY;
      const target = await openGraphqlTarget(
        url
          ? { url, ...(apiKey ? { apiKey } : {}) }
          : {
              dataDir: existingDataDir(
                options.data,
                'Build one with `chainql demo --no-serve` or pass --data.',
              ),
            },
      );
      try {
        const response = await target.execute(query, variables);
        if (response.errors?.length) throw new QueryFailedError(response.errors);
        const data = response.data ?? {};
        process.stdout.write(
          options.format === 'table' ? dataAsTables(data) : `${JSON.stringify(data, null, 2)}\n`,
        );
      } finally {
        await target.close();
      }
    });
}
