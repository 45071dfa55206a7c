import type { Writable } from 'node:stream';
import { createRowDecoder, flattenSchema } from '../../schema/record/index.ts';
import { writeCsv, writeJsonl, writeParquet } from '../formats/index.ts';
import type { Session } from '../session.ts';
import { ChainRun } from './chain-run.ts';
import type { ChainPlan } from './plan.ts';

/** File formats a chain can be written to. */
export type ExportFormat = 'csv' | 'jsonl' | 'parquet';

/** Options of {@link exportChain}. */
export interface ExportOptions {
  /** Called with the rows read so far, every `progressEvery` rows (default 5000) while streaming. */
  readonly onRows?: (rowsSoFar: number) => void;
  readonly progressEvery?: number;
}

/**
 * Streams the chain's rows into a file of the given format (csv/jsonl also into a stream) (memory stays flat: rows are read in chunks
 * and written with backpressure); returns the number of rows written.
 */
export async function exportChain(
  plan: ChainPlan,
  session: Session,
  format: ExportFormat,
  path: string | Writable,
  options: ExportOptions = {},
): Promise<number> {
  const every = options.progressEvery ?? 5000;
  const run = new ChainRun(session);
  try {
    const relation = await run.relation(plan);
    const columns = flattenSchema(relation.schema);
    const decode = createRowDecoder(columns, session.warehouse.dialect);
    const bigints = columns.some((column) => column.type.kind === 'bigint');
    const compiled = run.compile(run.orderedQuery(relation));
    async function* rows(): AsyncIterable<Record<string, unknown>> {
      let read = 0;
      for await (const chunk of session.warehouse.stream(compiled, { bigints })) {
        for (const raw of chunk) {
          yield decode(raw) as Record<string, unknown>;
          read += 1;
          if (read % every === 0) options.onRows?.(read);
        }
      }
    }
    if (format === 'parquet') {
      if (typeof path !== 'string') throw new TypeError('Parquet is written to a file path, not a stream.');
      return await writeParquet(path, relation.schema, rows());
    }
    return await (format === 'csv' ? writeCsv : writeJsonl)(path, relation.schema, rows());
  } finally {
    await run.dispose();
  }
}
