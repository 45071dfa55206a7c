import type { Command } from 'commander';
import { namedConfig } from '../config-flag.ts';
import { DATA_FLAG_HELP, existingDataDir, WAREHOUSE_FLAG_HELP } from '../data-dir.ts';

/** `chainql mcp [--data DIR] [--config FILE] [--api-key KEY]`: the MCP server over stdio. */
export function registerMcpCommand(program: Command): void {
  program
    .command('mcp')
    .summary('serve the datasets to AI agents as MCP tools over stdio')
    .description(
      'Run an MCP (Model Context Protocol) server on stdin/stdout with the tools list_datasets, ' +
        'describe_dataset, query, start_pipeline, get_job and cancel_job, over the same GraphQL API ' +
        '`chainql serve` serves (which also offers them over HTTP at /mcp). Pipelines come from the config ' +
        'module and run in this process (or on workers with CHAINQL_REDIS_URL). With CHAINQL_API_KEYS set, ' +
        'the key given here decides the role; the job tools need writer.',
    )
    .option('--warehouse <url>', WAREHOUSE_FLAG_HELP)
    .option('--data <dir>', `${DATA_FLAG_HELP}; must exist`)
    .option(
      '--config <path>',
      'module defining pipelines; default $CHAINQL_CONFIG or ./chainql.config.ts if present',
    )
    .option(
      '--api-key <key>',
      'key this client acts with when CHAINQL_API_KEYS is set (default: $CHAINQL_API_KEY)',
    )
    .addHelpText(
      'after',
      '\nExample (an MCP client config):\n  { "command": "npx", "args": ["chainql", "mcp", "--data", "/path/to/.chainql"] }',
    )
    .action(async (options: { data?: string; config?: string; apiKey?: string }) => {
      namedConfig(options.config);
      const dataDir = existingDataDir(
        options.data,
        'Build one with `chainql demo --no-serve` or pass --data.',
      );
      const { runMcpStdio } = await import('../../server/mcp/mcp-stdio.ts');
      await runMcpStdio({
        dataDir,
        ...(options.config ? { configPath: options.config } : {}),
        ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      });
    });
}
