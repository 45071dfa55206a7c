import { ChainqlError } from '../../schema/errors.ts';

/** A chain method was called with an invalid argument (negative limit, empty path list, …). */
export class InvalidArgumentError extends ChainqlError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}
