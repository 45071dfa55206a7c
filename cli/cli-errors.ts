import { ChainqlError } from '../schema/errors.ts';

/**
 * Exit codes of the `chainql` command, documented in README.md ("CLI"): scripts can rely on them.
 * - `OK` (0): done; also `serve` and `worker` stopped by SIGINT/SIGTERM at any moment (see stop-signals.ts).
 * - `FAILED` (1): the command ran and failed (an expected error prints `chainql: [CODE] message`).
 * - `USAGE` (2): the command line was wrong (unknown command or flag, bad flag value, missing file or
 *   directory named by a flag, a confirmation that was needed but not given); nothing was changed.
 * - `INTERRUPTED` (130): stopped by Ctrl+C before finishing (work committed so far is kept).
 */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, INTERRUPTED: 130 } as const;

/** A command-line mistake: exits with {@link EXIT.USAGE}; nothing was read or changed. */
export class UsageError extends ChainqlError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** `--data DIR` names a directory that does not exist (and the command does not create one). */
export class DataDirNotFoundError extends UsageError {
  constructor(
    readonly dataDir: string,
    hint: string,
  ) {
    super('DATA_DIR_NOT_FOUND', `Data directory not found: ${dataDir}. ${hint}`);
  }
}

/** `--config FILE` (or `$CHAINQL_CONFIG`) names a file that does not exist. */
export class ConfigNotFoundError extends UsageError {
  constructor(readonly path: string) {
    super('CONFIG_NOT_FOUND', `Config module not found: ${path} (given by --config or $CHAINQL_CONFIG).`);
  }
}

/** A flag value the command cannot use (e.g. `--var` without `=`). */
export class BadFlagError extends UsageError {
  constructor(flag: string, message: string) {
    super('BAD_FLAG', `${flag}: ${message}`);
  }
}

/** A destructive command needs `--yes` when it cannot ask (stdin is not a terminal). */
export class ConfirmationRequiredError extends UsageError {
  constructor(what: string) {
    super('CONFIRMATION_REQUIRED', `${what} needs confirmation: pass --yes (stdin is not a terminal).`);
  }
}

/** A GraphQL operation answered with errors; `errors` holds them as the server sent them. */
export class QueryFailedError extends ChainqlError {
  constructor(readonly errors: readonly GraphqlErrorPayload[]) {
    super(errors[0]?.extensions?.code ?? 'GRAPHQL_ERROR', errors.map(describeGraphqlError).join('\n'));
  }
}

/** One entry of a GraphQL response's `errors`. */
export interface GraphqlErrorPayload {
  readonly message: string;
  readonly locations?: readonly { readonly line: number; readonly column: number }[];
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly code?: string; readonly [key: string]: unknown };
}

/** `message (at 1:7) [CODE]`, one line. */
export function describeGraphqlError(error: GraphqlErrorPayload): string {
  const at = error.locations?.[0];
  const where = at ? ` (at line ${at.line}, column ${at.column})` : '';
  const path = error.path?.length ? ` at ${error.path.join('.')}` : '';
  return `${error.message}${where}${path}`;
}
