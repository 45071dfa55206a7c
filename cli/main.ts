import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT, UsageError } from './cli-errors.ts';
import { registerDatasetsCommand } from './commands/datasets-command.ts';
import { registerDemoCommand } from './commands/demo-command.ts';
import { registerExportCommand } from './commands/export-command.ts';
import { registerMcpCommand } from './commands/mcp-command.ts';
import { registerQueryCommand } from './commands/query-command.ts';
import { registerRunCommand } from './commands/run-command.ts';
import { registerServeCommand } from './commands/serve-command.ts';
import { registerWorkerCommand } from './commands/worker-command.ts';
import { WAREHOUSE_FLAG_HELP } from './data-dir.ts';
import type { StopSignals } from './stop-signals.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Commands that stop cleanly on SIGINT/SIGTERM (exit code 0); the others keep Node's default. */
const CLEAN_STOP_COMMANDS: ReadonlySet<string> = new Set(['serve', 'worker']);

/**
 * Runs the `chainql` command line (cli/bin.js calls it). Sets `process.exitCode` (see {@link EXIT}) rather
 * than exiting, so open handles close first.
 * @param argv `process.argv` (node, script, arguments…).
 * @param stops stop requests watched since the process started; `serve` and `worker` claim them, every
 *   other command releases them before it runs.
 */
export async function main(argv: readonly string[], stops: StopSignals): Promise<void> {
  const program = new Command()
    .name('chainql')
    .description(
      'Typed datasets built by compute chains, stored in a SQL Data Memory (embedded SQLite by default) ' +
        'and served through a generated GraphQL API.\n\n' +
        'Data lives in --data DIR (default: $CHAINQL_DATA_DIR or ./.chainql).\n' +
        'Exit codes: 0 done (also serve/worker stopped by SIGINT or SIGTERM), 1 failed (an error prints ' +
        '[CODE] message), 2 bad command line, 130 interrupted.',
    )
    .version(version, '-V, --version', 'print the chainql version')
    .option('--warehouse <url>', WAREHOUSE_FLAG_HELP)
    .hook('preAction', (program, command) => {
      if (!CLEAN_STOP_COMMANDS.has(command.name())) stops.release();
      // One setting for every command (and the sessions and workers they open): the environment variable.
      const warehouse =
        command.opts<{ warehouse?: string }>().warehouse ?? program.opts<{ warehouse?: string }>().warehouse;
      if (warehouse) process.env.CHAINQL_CLICKHOUSE_URL = warehouse;
    })
    .showHelpAfterError()
    // Program flags (`--version`) only before the command, so `export --version 1.0.0` is the command's.
    .enablePositionalOptions()
    // Commander's own errors (unknown flag, bad value) become exit code 2 below instead of exiting at once.
    .exitOverride();

  registerDemoCommand(program);
  registerServeCommand(program, stops);
  registerDatasetsCommand(program);
  registerQueryCommand(program);
  registerExportCommand(program);
  registerRunCommand(program);
  registerMcpCommand(program);
  registerWorkerCommand(program, stops);

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Already printed by commander (help and --version end here too, with exit code 0).
      process.exitCode = error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    } else {
      const coded = error as { code?: string; message?: string };
      process.stderr.write(
        `chainql: ${coded.code ? `[${coded.code}] ` : ''}${coded.message ?? String(error)}\n`,
      );
      process.exitCode = error instanceof UsageError ? EXIT.USAGE : EXIT.FAILED;
    }
  } finally {
    stops.release();
  }
}
