import type { WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import { TableNotFoundError } from '../../clients/warehouse/warehouse-errors.ts';
import type { DialectCompiler } from '../../schema/dialect/dialect-compiler.ts';
import { DatasetVanishedError } from '../server-errors.ts';
import type { PlannedRead } from './planned-read.ts';

/** Where GraphQL reads run: any warehouse whose dialect has a compiler. */
export interface ReadTarget {
  /** The warehouse (only `read` is used). */
  readonly warehouse: Pick<WarehouseDriver, 'read' | 'adviseGrouping'>;
  readonly compiler: DialectCompiler;
}

/**
 * Compiles a planned read with the warehouse's dialect compiler, runs it through `WarehouseDriver.read`
 * (cancelled by the context's `signal`, the per-query timeout) and decodes the rows; a grouped read is then told to the
 * warehouse (`adviseGrouping`), which may prepare for the next one of its shape.
 * @throws DatasetVanishedError (DATASET_NOT_FOUND) when the table vanished after the schema was built (a deleted
 *   version); the driver's coded errors (TIMEOUT, OVERLOADED, …) otherwise.
 */
export async function runRead<T>(
  target: ReadTarget,
  planned: PlannedRead<T>,
  context: { readonly signal?: AbortSignal },
): Promise<T> {
  const compiled = target.compiler.compileQuery(planned.query);
  // A point read runs inline and touches a few rows: it never asks for the operation's signal, so the
  // timeout plugin arms no timer for it (the signal is created on first use).
  const signal = planned.point ? undefined : context.signal;
  try {
    const rows = await target.warehouse.read(compiled, {
      bigints: planned.bigints,
      ...(planned.point ? { point: true } : {}),
      ...(signal ? { signal } : {}),
    });
    if (planned.grouping) target.warehouse.adviseGrouping?.(planned.grouping);
    return planned.decode(rows);
  } catch (error) {
    if (error instanceof TableNotFoundError) {
      throw new DatasetVanishedError({ cause: error });
    }
    throw error;
  }
}
