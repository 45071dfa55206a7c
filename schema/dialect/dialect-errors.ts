/** Errors raised by dialect compilers. */
import { ChainqlError } from '../errors.ts';
import type { DialectName } from './compiled-query.ts';

/** A construct the target dialect cannot express; `dialect` names it. */
export class DialectUnsupportedError extends ChainqlError {
  constructor(
    readonly dialect: DialectName,
    message: string,
  ) {
    super('DIALECT_UNSUPPORTED', `${dialect}: ${message}`);
  }
}

/** A query node with invalid content (negative or fractional LIMIT/OFFSET, …). */
export class InvalidQueryError extends ChainqlError {
  static override readonly exposed = true;
  constructor(message: string) {
    super('INVALID_QUERY', message);
  }
}

/** A table, column or alias name that cannot be quoted: empty, or containing a NUL character. */
export class InvalidIdentifierError extends ChainqlError {
  constructor(readonly identifier: string) {
    super(
      'INVALID_IDENTIFIER',
      `Invalid SQL identifier ${JSON.stringify(identifier)}: empty or contains NUL.`,
    );
  }
}
