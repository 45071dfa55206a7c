import type { DatasetSchema } from '../../schema/record/field-type.ts';
import { sqlType } from '../../schema/record/index.ts';
import type { ProgressEvent, UdfStep } from '../udf/index.ts';
import { stepName } from '../udf/index.ts';
import { type CheckpointTables, checkpointTables } from './checkpoint-store.ts';
import { countPending } from './partition-executor.ts';
import type { PartitionTask, StepRunContext } from './partition-task.ts';
import { idColumn, outputColumns } from './step-output-table.ts';

/** The input of a UDF step as the chain hands it over: its row type and how to write its rows. */
export interface StepInput {
  readonly schema: DatasetSchema;
  /**
   * Writes the input rows, in chain order, into the (existing, empty) table `table` created for
   * `schema`, so the warehouse numbers them 1..n.
   */
  materialise(table: string): Promise<void>;
  /** Creates an empty table for rows of `schema`. */
  createTable(table: string): Promise<void>;
}

/** Processes every pending row of a prepared step (a runner: in-process or on workers). */
export type PendingRowsRunner = (context: StepRunContext, task: PartitionTask) => Promise<void>;

/**
 * Runs (or resumes) one UDF step with checkpoints and returns its checkpoint tables.
 *
 * 1. The step's input is materialised once, with ids 1..n, into the checkpoint's input table (published
 *    under its final name last, so a half-written input is never mistaken for a complete one).
 * 2. `runPending` processes the rows whose ids are not committed yet; every batch commits its outputs
 *    and the ids of the inputs it covers in one transaction (see `executePartition`).
 * 3. The checkpoint is marked done.
 * A re-run with the same step hash reads only inputs whose ids are not committed yet, so a crash loses
 * at most the uncommitted batch (plus rows in flight). `fresh` drops the checkpoint first.
 *
 * Progress: the runner's `started` event carries `committed`, the step's rows committed by earlier
 * runs, so listeners can show progress that does not go back after a restart. A step found done (or
 * with every row committed) emits `started` (total 0, committed = its rows) and `finished` without
 * running anything.
 */
export async function runCheckpointedStep(
  context: StepRunContext & { readonly fresh: boolean },
  input: StepInput,
  step: UdfStep,
  stepHash: string,
  runPending: PendingRowsRunner,
): Promise<CheckpointTables> {
  const { session, checkpoints } = context;
  const { warehouse } = session;
  const tables = checkpointTables(stepHash);

  let checkpoint = await checkpoints.get(stepHash);
  if (checkpoint && context.fresh) {
    await checkpoints.drop(stepHash);
    checkpoint = undefined;
  }
  if (!checkpoint || !(await warehouse.tableExists(tables.input))) {
    for (const table of [tables.input, tables.output, tables.done]) await warehouse.dropTable(table);
    const staging = `${tables.input}_staging`;
    await warehouse.dropTable(staging);
    await input.createTable(staging);
    await input.materialise(staging);
    await warehouse.createTable(tables.output, outputColumns(step, warehouse), { orderBy: ['sys__id'] });
    await warehouse.createTable(
      tables.done,
      [{ name: 'sys__id', sqlType: sqlType(idColumn('sys__id'), warehouse.dialect), nullable: false }],
      { orderBy: ['sys__id'] },
    );
    // Published last: an input table under its final name means the checkpoint is complete.
    await warehouse.renameTable(staging, tables.input);
    await checkpoints.mark(stepHash, 'running');
    checkpoint = await checkpoints.get(stepHash);
  }

  const task: PartitionTask = { inputSchema: input.schema, step, tables };
  const listener = context.settings.onProgress;
  const rows = listener ? await countRows(context, task) : 0;
  const pending = listener ? await countPending(context, task) : 0;
  let started = false;
  if (checkpoint?.status !== 'done') {
    // The runner counts its own pending rows when it starts; rows committed in between (a run another
    // coordinator left queued keeps committing) must not be lost from `committed + total`.
    const onProgress = listener
      ? (event: ProgressEvent) => {
          if (event.type !== 'started') return listener(event);
          started = true;
          listener({ ...event, committed: Math.max(0, rows - (event.total ?? pending)) });
        }
      : undefined;
    await runPending({ ...context, settings: { ...context.settings, onProgress } }, task);
    await checkpoints.mark(stepHash, 'done');
  }
  // A step found done, or whose rows were all committed before a crash kept it from being marked done
  // (a runner with nothing pending starts nothing), still reports its committed rows.
  if (listener && !started) {
    const name = stepName(step);
    listener({
      type: 'started',
      step: name,
      kind: step.kind,
      total: 0,
      committed: rows,
      concurrency: 0,
      parallel: 0,
      batchSize: 0,
    });
    listener({
      type: 'finished',
      step: name,
      status: 'succeeded',
      done: 0,
      outputs: 0,
      errors: 0,
      elapsedMs: 0,
      rate: 0,
    });
  }
  return tables;
}

async function countRows(context: StepRunContext, task: PartitionTask): Promise<number> {
  const rows = await context.session.warehouse.query(
    context.compile({
      kind: 'select',
      from: { kind: 'table', name: task.tables.input },
      selections: [{ expr: { kind: 'aggregate', fn: 'count', arg: { kind: 'star' } }, alias: 'n' }],
    }),
  );
  return Number(rows[0]?.n ?? 0);
}
