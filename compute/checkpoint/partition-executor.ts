import { z } from 'zod';
import type { ColumnDefinition } from '../../clients/warehouse/warehouse-driver.ts';
import { getCompiler } from '../../schema/dialect/index.ts';
import { InvalidArgumentError } from '../../schema/errors.ts';
import { columnNode, type ExprNode } from '../../schema/expr/index.ts';
import type { SelectQuery } from '../../schema/query/index.ts';
import { columnEquals, passThrough } from '../../schema/query/pass-through.ts';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import {
  createRowDecoder,
  createRowEncoder,
  deterministicRand,
  flattenSchema,
  fromZod,
} from '../../schema/record/index.ts';
import { fileFieldPaths, prefetchRows } from '../files/file-rows.ts';
import {
  type AggGroup,
  type BatchCommit,
  type ExecutionSettings,
  executeAgg,
  executeUdf,
  type UdfInputRow,
} from '../udf/index.ts';
import type { PartitionTask, StepRunContext, StepRunSettings } from './partition-task.ts';
import { ERROR_FIELD, ERROR_SPEC, OUTPUTS_PER_INPUT, outputColumns } from './step-output-table.ts';

function executionSettings(settings: StepRunSettings): ExecutionSettings {
  const { concurrency, parallel, batchSize, flushIntervalMs, retries, rateLimit } = settings;
  return Object.fromEntries(
    Object.entries({ concurrency, parallel, batchSize, flushIntervalMs, retries, rateLimit }).filter(
      ([, value]) => value !== undefined,
    ),
  ) as ExecutionSettings;
}

/** `sys.id` of table `i` compared with a bound literal. */
function idBound(op: 'gte' | 'lte', value: number): ExprNode {
  return {
    kind: 'comparison',
    op,
    left: columnNode('sys.id', 'i'),
    right: { kind: 'literal', value },
  } as ExprNode;
}

/** The input rows of `task` (its range, or all) whose ids are not in the done table yet. */
function pendingQuery(task: PartitionTask): SelectQuery {
  const { inputSchema, tables, range } = task;
  const notDone = { kind: 'isNull', operand: columnNode('sys.id', 'd'), negated: false } as ExprNode;
  const inRange = range ? [idBound('gte', range.from), idBound('lte', range.to)] : [];
  return {
    kind: 'select',
    from: {
      kind: 'join',
      joinType: 'left',
      left: { kind: 'table', name: tables.input, alias: 'i' },
      right: { kind: 'table', name: tables.done, alias: 'd' },
      on: columnEquals('sys.id', 'i', 'sys.id', 'd'),
    },
    selections: passThrough(inputSchema, 'i'),
    where:
      inRange.length > 0
        ? ({ kind: 'logical', op: 'and', operands: [notDone, ...inRange] } as ExprNode)
        : notDone,
  };
}

/** Input rows of `task` not committed yet. */
export async function countPending(context: StepRunContext, task: PartitionTask): Promise<number> {
  const rows = await context.session.warehouse.query(
    context.compile({
      kind: 'select',
      from: { kind: 'subquery', query: pendingQuery(task), alias: 'p' },
      selections: [
        { expr: { kind: 'aggregate', fn: 'count', arg: { kind: 'star' } } as ExprNode, alias: 'n' },
      ],
    }),
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Processes the not-yet-committed input rows of a checkpointed UDF step (optionally one id range),
 * committing each batch's outputs together with the ids of the inputs it covers, in one transaction.
 * Safe to run again after a crash (only uncommitted rows are read), and safe to run for disjoint
 * ranges in several processes at once. This is what every runner ends up calling for its rows.
 */
export async function executePartition(context: StepRunContext, task: PartitionTask): Promise<void> {
  const { inputSchema, step } = task;
  const { warehouse } = context.session;
  if (!warehouse.transactional && step.kind !== 'agg') await adoptCommittedOutputs(context, task);
  const total = await countPending(context, task);
  if (total === 0) return;

  // Agg groups are contiguous when rows are ordered by the partition columns first.
  const partitionPaths = step.kind === 'agg' ? step.partitionBy : [];
  const leaves = flattenSchema(inputSchema);
  const partition = partitionPaths.flatMap((path) =>
    leaves.filter((c) => c.path === path || c.path.startsWith(`${path}.`)),
  );
  const ordered: SelectQuery = {
    ...pendingQuery(task),
    orderBy: [
      ...partition.map((column) => ({
        expr: columnNode(column.path, 'i'),
        direction: 'asc' as const,
        nulls: 'last' as const,
      })),
      { expr: columnNode('sys.id', 'i'), direction: 'asc', nulls: 'last' },
    ],
  };
  const decode = createRowDecoder(leaves, warehouse.dialect);
  const bigints = leaves.some((column) => column.type.kind === 'bigint');
  const compiled = context.compile(ordered);
  async function* decoded(): AsyncIterable<UdfInputRow> {
    for await (const chunk of warehouse.stream(compiled, { bigints })) {
      for (const raw of chunk) yield { id: Number(raw.sys__id), row: decode(raw) as Record<string, unknown> };
    }
  }
  // File fields become File objects (row.file.read()); `prefetch` keeps that many downloads ahead of the UDF.
  const rows = (): AsyncIterable<UdfInputRow> =>
    fileFieldPaths(inputSchema).length === 0
      ? decoded()
      : prefetchRows(decoded(), inputSchema, {
          count: context.settings.prefetch ?? 0,
          context: context.files ?? { storage: context.session.storage },
          ...(context.settings.signal ? { signal: context.settings.signal } : {}),
        });

  const commit = batchCommitter(context, task);
  const options = {
    settings: executionSettings(context.settings),
    commit,
    total,
    ...(context.settings.signal ? { signal: context.settings.signal } : {}),
    ...(context.settings.onProgress ? { onProgress: context.settings.onProgress } : {}),
  };
  if (step.kind === 'agg') {
    await executeAgg(
      step,
      groups(
        rows(),
        partition.map((column) => column.path),
      ),
      options,
    );
  } else {
    await executeUdf(step, rows(), options);
  }
}

/** Writes one batch: its outputs (and stored errors) and the input ids it covers, atomically. */
function batchCommitter(context: StepRunContext, task: PartitionTask): (batch: BatchCommit) => Promise<void> {
  const { warehouse } = context.session;
  const store = task.step.options.onError === 'store';
  const outputSchema = fromZod(z.object(task.step.outputShape));
  const encodeOutput = createRowEncoder(flattenSchema(outputSchema), warehouse.dialect);
  const errorSchema: DatasetSchema = { format: 1, fields: { [ERROR_FIELD]: ERROR_SPEC } };
  const encodeError = createRowEncoder(flattenSchema(errorSchema), warehouse.dialect);
  const outputWidth = flattenSchema(outputSchema).length;
  const errorWidth = store ? flattenSchema(errorSchema).length : 0;
  const names = outputColumns(task.step, warehouse).map((column: ColumnDefinition) => column.name);
  return async (batch) => {
    const out: unknown[][] = [];
    for (const { inputId, index, output } of batch.outputs) {
      if (index >= OUTPUTS_PER_INPUT) {
        throw new InvalidArgumentError(`Row ${inputId} produced more than ${OUTPUTS_PER_INPUT} outputs.`);
      }
      const id = inputId * OUTPUTS_PER_INPUT + index;
      out.push([
        id,
        deterministicRand(id),
        ...encodeOutput(output),
        ...new Array(errorWidth).fill(null),
        inputId,
      ]);
    }
    for (const { inputId, error } of batch.errors) {
      const id = inputId * OUTPUTS_PER_INPUT;
      out.push([
        id,
        deterministicRand(id),
        ...new Array(outputWidth).fill(null),
        ...encodeError({ [ERROR_FIELD]: error }),
        inputId,
      ]);
    }
    await warehouse.writeAtomically([
      { table: task.tables.output, columns: names, rows: out },
      { table: task.tables.done, columns: ['sys__id'], rows: batch.inputIds.map((id) => [id]) },
    ]);
  };
}

/**
 * Without transactions (ClickHouse) a batch's outputs and its done-ids are two INSERTs: a worker killed between
 * them leaves outputs whose inputs look pending. Every output row carries its input id (`chainql_input`) and a
 * batch's outputs are one INSERT (all of an input's outputs or none), so those inputs are marked done here
 * before the pending rows are read: they are not run again and their outputs are not duplicated. Not for
 * `agg` steps, whose outputs stand for whole groups.
 */
async function adoptCommittedOutputs(context: StepRunContext, task: PartitionTask): Promise<void> {
  const { warehouse } = context.session;
  const input = columnNode('chainql_input', 'o');
  const range = task.range
    ? [
        { kind: 'comparison', op: 'gte', left: input, right: { kind: 'literal', value: task.range.from } },
        { kind: 'comparison', op: 'lte', left: input, right: { kind: 'literal', value: task.range.to } },
      ]
    : [];
  const notDone = { kind: 'isNull', operand: columnNode('sys.id', 'd'), negated: false };
  const select: SelectQuery = {
    kind: 'select',
    distinct: true,
    from: {
      kind: 'join',
      joinType: 'left',
      left: { kind: 'table', name: task.tables.output, alias: 'o' },
      right: { kind: 'table', name: task.tables.done, alias: 'd' },
      on: columnEquals('chainql_input', 'o', 'sys.id', 'd'),
    },
    selections: [{ expr: input, alias: 'sys__id' }],
    where: { kind: 'logical', op: 'and', operands: [notDone, ...range] } as ExprNode,
  };
  await warehouse.execute(
    getCompiler(warehouse.dialect).compileInsertSelect(task.tables.done, ['sys__id'], select),
  );
}

/** Groups consecutive rows (ordered by the partition columns) with equal partition values. */
async function* groups(rows: AsyncIterable<UdfInputRow>, paths: readonly string[]): AsyncIterable<AggGroup> {
  let key: Record<string, unknown> | undefined;
  let keyText = '';
  let members: UdfInputRow[] = [];
  for await (const row of rows) {
    const values = Object.fromEntries(paths.map((path) => [path, valueAt(row.row, path)]));
    const text = JSON.stringify(values, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
    if (key && text !== keyText) {
      yield { key, rows: members };
      members = [];
    }
    key = values;
    keyText = text;
    members.push(row);
  }
  if (key) yield { key, rows: members };
}

function valueAt(row: Record<string, unknown>, path: string): unknown {
  let current: unknown = row;
  for (const part of path.split('.')) {
    if (current === null || current === undefined) return null;
    current = (current as Record<string, unknown>)[part];
  }
  return current ?? null;
}
