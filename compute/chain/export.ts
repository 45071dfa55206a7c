import { createRowDecoder, flattenSchema } from '../../schema/record/index.ts';
import { writeCsv, writeJsonl, writeParquet } from '../formats/index.ts';
import type { Session } from '../session.ts';
import { ChainRun } from './chain-run.ts';
import type { ChainPlan } from './plan.ts';

/** File formats a chain can be written to. */
export type ExportFormat = 'csv' | 'jsonl' | 'parquet';

/** Streams the chain's rows into a file of the given format; returns the number of rows written. */
export async function exportChain(
  plan: ChainPlan,
  session: Session,
  format: ExportFormat,
  path: string,
): Promise<number> {
  const run = new ChainRun(session);
  try {
    const relation = await run.relation(plan);
    const columns = flattenSchema(relation.schema);
    const decode = createRowDecoder(columns, session.warehouse.dialect);
    const bigints = columns.some((column) => column.type.kind === 'bigint');
    const compiled = run.compile(run.orderedQuery(relation));
    async function* rows(): AsyncIterable<Record<string, unknown>> {
      for await (const chunk of session.warehouse.stream(compiled, { bigints })) {
        for (const raw of chunk) yield decode(raw) as Record<string, unknown>;
      }
    }
    const writer = format === 'csv' ? writeCsv : format === 'jsonl' ? writeJsonl : writeParquet;
    return await writer(path, relation.schema, rows());
  } finally {
    await run.dispose();
  }
}
