import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigNotFoundError } from './cli-errors.ts';

/**
 * The pipelines config module a command was told to load: `--config`, else `$CHAINQL_CONFIG`, else
 * undefined (the default `./chainql.config.ts` is then optional). A named file that does not exist is an
 * error rather than a server or worker without its pipelines.
 * @throws ConfigNotFoundError (exit code 2).
 */
export function namedConfig(option: string | undefined): string | undefined {
  const config = option ?? process.env.CHAINQL_CONFIG;
  if (config !== undefined && !existsSync(resolve(config))) throw new ConfigNotFoundError(resolve(config));
  return config;
}
