import { Command } from 'commander';
import { registerDatasetsCommand } from './commands/datasets-command.ts';
import { registerDemoCommand } from './commands/demo-command.ts';
import { registerRunCommand } from './commands/run-command.ts';
import { registerServeCommand } from './commands/serve-command.ts';
import { registerWorkerCommand } from './commands/worker-command.ts';

const program = new Command()
  .name('chainql')
  .description(
    'Typed datasets built by compute chains, stored in a SQL Data Memory (embedded SQLite by default) ' +
      'and served through a generated GraphQL API.\n\n' +
      'Data lives in --data DIR (default: $CHAINQL_DATA_DIR or ./.chainql).',
  )
  .showHelpAfterError();

registerDemoCommand(program);
registerServeCommand(program);
registerDatasetsCommand(program);
registerRunCommand(program);
registerWorkerCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const coded = error as { code?: string; message?: string };
  process.stderr.write(`chainql: ${coded.code ? `[${coded.code}] ` : ''}${coded.message ?? String(error)}\n`);
  process.exitCode = 1;
}
