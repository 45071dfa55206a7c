import { didYouMean } from './record/suggest-paths.ts';

/**
 * Base class of every error chainql throws on purpose. `code` is stable and machine readable;
 * callers (retry policies, the GraphQL error mapper) branch on the class or the code, never the message.
 */
export class ChainqlError extends Error {
  /**
   * Whether errors of this class may reach API clients as they are (message and `code`): true for classes
   * whose messages describe only the caller's own input or state (an unknown column, a missing dataset, a
   * timeout), never internals (SQL, file paths). The GraphQL server masks every other error as
   * "Unexpected error.". Default false; a class opts in with `static override readonly exposed = true`.
   * This is the one source of truth for which codes reach clients.
   */
  static readonly exposed: boolean = false;

  /** Stable, upper-snake-case error code, e.g. `UNKNOWN_COLUMN`. */
  readonly code: string;

  /** The class's {@link ChainqlError.exposed}: whether this error may be shown to API clients as it is. */
  get exposed(): boolean {
    return (this.constructor as typeof ChainqlError).exposed;
  }

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A zod construct or field name that chainql cannot store; `path` names the offending field. */
export class SchemaError extends ChainqlError {
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super('SCHEMA_ERROR', message, options);
  }
}

/** A column path that does not exist in a schema; `suggestions` holds the closest existing paths. */
export class UnknownColumnError extends ChainqlError {
  static override readonly exposed = true;
  constructor(
    readonly path: string,
    readonly suggestions: readonly string[],
  ) {
    super('UNKNOWN_COLUMN', `Unknown column '${path}'.${didYouMean(suggestions)}`);
  }
}

/** An expression whose operand types do not fit (string compared with number, sum of a string, …). */
export class ExpressionTypeError extends ChainqlError {
  static override readonly exposed = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super('TYPE_MISMATCH', message, options);
  }
}

/** A chain method or step was called with an invalid argument (negative limit, empty path list, …). */
export class InvalidArgumentError extends ChainqlError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}
