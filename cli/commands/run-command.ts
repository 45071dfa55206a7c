import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { closeDefaultSession } from '../../compute/session.ts';

/** `chainql run <script>`: runs a TypeScript/JavaScript chain script with the default session. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'Run a chain script (TypeScript or JavaScript). The script imports from "chainql" and ends with a\n' +
        'terminal such as .save(); its chains use --data DIR unless they pass a session.',
    )
    .argument('<script>', 'path of the script to run')
    .option('--data <dir>', 'data directory (default: $CHAINQL_DATA_DIR or ./.chainql)')
    .action(async (script: string, options: { data?: string }) => {
      const path = resolve(script);
      if (!existsSync(path)) throw new Error(`Script not found: ${path}`);
      if (options.data) process.env.CHAINQL_DATA_DIR = resolve(options.data);
      try {
        await import(pathToFileURL(path).href);
      } finally {
        await closeDefaultSession();
      }
    });
}
