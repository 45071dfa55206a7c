import { ChainqlError } from '../../schema/errors.ts';

/**
 * A row of a `readDatabase` result does not fit the schema in force (the zod schema given, or the one
 * inferred from the column types and first rows): names the connection, the 1-based row, the result
 * column and the field path (code `DATABASE_VALUE_MISMATCH`). Nothing is saved from a failing read.
 */
export class DatabaseValueError extends ChainqlError {
  constructor(
    readonly target: string,
    /** 1-based row number in the query result. */
    readonly row: number,
    /** The result column the value came from. */
    readonly column: string,
    /** The field path in the chain's row type (`det.confidence`, `tags[2]`). */
    readonly field: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(
      'DATABASE_VALUE_MISMATCH',
      `${target}: row ${row}, column ${JSON.stringify(column)}${field === column ? '' : ` (field '${field}')`}: ${problem}`,
      options,
    );
  }
}

/** A result column that cannot become a field of the chain's rows, or a schema that does not fit the query (code `SCHEMA_ERROR`). */
export class DatabaseSchemaError extends ChainqlError {
  constructor(
    readonly target: string,
    message: string,
  ) {
    super('SCHEMA_ERROR', `${target}: ${message}`);
  }
}
