import type { ProgressBarOptions } from '../compute/udf/progress-bar.ts';
import { BadFlagError } from './cli-errors.ts';

/**
 * Progress bar options of the CLI's long commands (`demo`, `export`, `run`): without a terminal the bar
 * becomes a plain line at most every 5 s, or every `$CHAINQL_PROGRESS_MS` ms when set (0: every update).
 * @throws BadFlagError (exit code 2) when `$CHAINQL_PROGRESS_MS` is not a whole number.
 */
export function progressOptions(env: NodeJS.ProcessEnv = process.env): ProgressBarOptions {
  const text = env.CHAINQL_PROGRESS_MS?.trim();
  if (text === undefined || text === '') return {};
  if (!/^\d+$/.test(text))
    throw new BadFlagError('CHAINQL_PROGRESS_MS', `expected a whole number of milliseconds, got '${text}'.`);
  return { logEveryMs: Number(text) };
}
