import { didYouMean } from './record/suggest-paths.ts';

/**
 * Base class of every error chainql throws on purpose. `code` is stable and machine readable;
 * callers (retry policies, the GraphQL error mapper) branch on the class or the code, never the message.
 */
export class ChainqlError extends Error {
  /** Stable, upper-snake-case error code, e.g. `UNKNOWN_COLUMN`. */
  readonly code: string;

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
  constructor(
    readonly path: string,
    readonly suggestions: readonly string[],
  ) {
    super('UNKNOWN_COLUMN', `Unknown column '${path}'.${didYouMean(suggestions)}`);
  }
}

/** An expression whose operand types do not fit (string compared with number, sum of a string, …). */
export class ExpressionTypeError extends ChainqlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TYPE_MISMATCH', message, options);
  }
}
