/** Errors raised while building or checking expressions (in addition to those in schema/errors.ts). */
import { ChainqlError } from '../errors.ts';

/** An expression that cannot be built: wrong argument count, empty path, `*` outside `count`, … */
export class InvalidExpressionError extends ChainqlError {
  static override readonly exposed = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_EXPRESSION', message, options);
  }
}

/**
 * A column path that names a nested object rather than a leaf column (`det` instead of `det.confidence`);
 * `leaves` lists the leaf paths under it.
 */
export class NotALeafColumnError extends ChainqlError {
  static override readonly exposed = true;
  constructor(
    readonly path: string,
    readonly leaves: readonly string[],
  ) {
    const shown = leaves
      .slice(0, 10)
      .map((l) => `'${l}'`)
      .join(', ');
    super(
      'NOT_A_LEAF_COLUMN',
      `'${path}' is a nested object, not a column; use one of its fields: ${shown}${leaves.length > 10 ? ', …' : ''}.`,
    );
  }
}
