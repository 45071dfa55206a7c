import { z } from 'zod';
import type { FileContext } from '../../clients/storage/file.ts';
import type { ColumnDefinition } from '../../clients/warehouse/warehouse-driver.ts';
import { columnNode, type ExprNode } from '../../schema/expr/index.ts';
import type { Selection, SelectQuery } from '../../schema/query/index.ts';
import { pathToColumnName } from '../../schema/record/column.ts';
import type { DatasetSchema, FieldSpec } from '../../schema/record/field-type.ts';
import {
  createRowDecoder,
  createRowEncoder,
  deterministicRand,
  flattenSchema,
  fromZod,
  sqlType,
} from '../../schema/record/index.ts';
import type { CheckpointStore } from '../checkpoint/checkpoint-store.ts';
import { type CheckpointTables, checkpointTables } from '../checkpoint/checkpoint-store.ts';
import type { Session } from '../session.ts';
import { fileFieldPaths, prefetchRows } from '../storage/file-rows.ts';
import {
  type AggGroup,
  type BatchCommit,
  type ExecutionSettings,
  executeAgg,
  executeUdf,
  type UdfInputRow,
  type UdfStep,
} from '../udf/index.ts';
import { InvalidArgumentError } from './chain-errors.ts';
import { compileInsertSelect } from './insert-select.ts';
import type { ChainSettings } from './plan.ts';
import { columnEquals, leavesOf, passThrough, scopeColumns } from './planner.ts';
import type { Relation } from './relation.ts';
import { nullable, withField } from './schema-ops.ts';
import { createRowTable, tableColumns } from './table-writer.ts';

/** Name of the typed error field added by steps with `onError: 'store'`. */
export const ERROR_FIELD = 'udf_error';

/** Outputs of one input row get ids `inputId · 2^20 + index`: deterministic and in input order. */
const OUTPUTS_PER_INPUT = 2 ** 20;

const ERROR_SPEC: FieldSpec = {
  nullable: true,
  optional: false,
  description: 'Error of the UDF on this row (onError: "store"); null when the row succeeded.',
  type: {
    kind: 'object',
    fields: {
      name: { type: { kind: 'string' }, nullable: false, optional: false },
      message: { type: { kind: 'string' }, nullable: false, optional: false },
      code: { type: { kind: 'string' }, nullable: true, optional: true },
      stack: { type: { kind: 'string' }, nullable: true, optional: true },
      attempts: { type: { kind: 'int' }, nullable: false, optional: false },
    },
  },
};

/** What the runner needs from the chain run. */
export interface UdfRunContext {
  readonly session: Session;
  readonly checkpoints: CheckpointStore;
  readonly settings: ChainSettings;
  /** Drop existing checkpoints and start over. */
  readonly fresh: boolean;
  /** How File fields of input rows read their content (rehydrated before the UDF sees the row). Default: the session's storage. */
  readonly files?: FileContext;
  compile(query: SelectQuery): { sql: string; parameters: readonly unknown[] };
  ordered(relation: Relation): SelectQuery;
}

function executionSettings(settings: ChainSettings): ExecutionSettings {
  const { concurrency, parallel, batchSize, flushIntervalMs, retries, rateLimit } = settings;
  return Object.fromEntries(
    Object.entries({ concurrency, parallel, batchSize, flushIntervalMs, retries, rateLimit }).filter(
      ([, value]) => value !== undefined,
    ),
  ) as ExecutionSettings;
}

/**
 * Runs (or resumes) one UDF step with checkpoints and returns the relation of its result.
 *
 * The step's input is materialised once with ids 1..n; every committed batch writes its outputs and the
 * ids of the inputs it covers in one transaction; a re-run with the same step hash reads only inputs
 * whose ids are not committed yet, so a crash loses at most the uncommitted batch (plus rows in flight).
 */
export async function runUdfStep(
  context: UdfRunContext,
  input: Relation,
  step: UdfStep,
  stepHash: string,
): Promise<Relation> {
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
    await createRowTable(warehouse, staging, input.schema);
    await warehouse.execute(compileInsertSelect(warehouse.dialect, staging, input, context.ordered(input)));
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

  if (checkpoint?.status !== 'done') {
    const task: PartitionTask = { inputSchema: input.schema, step, tables };
    if (context.settings.runner) await context.settings.runner.run(context, task, stepHash);
    else await executePartition(context, task);
    await checkpoints.mark(stepHash, 'done');
  }
  return outputRelation(input, step, tables);
}

function idColumn(name: string) {
  return { path: name, name, type: { kind: 'int' as const }, nullable: false };
}

function withErrorField(schema: DatasetSchema, store: boolean, allNullable: boolean): DatasetSchema {
  const fields: Record<string, FieldSpec> = {};
  for (const [name, spec] of Object.entries(schema.fields))
    fields[name] = allNullable ? nullable(spec) : spec;
  if (store) {
    if (ERROR_FIELD in fields) {
      throw new InvalidArgumentError(
        `A UDF with onError: 'store' cannot output a field named '${ERROR_FIELD}'.`,
      );
    }
    fields[ERROR_FIELD] = ERROR_SPEC;
  }
  return { ...schema, fields };
}

/**
 * Runs a prepared UDF step's partitions somewhere else (the BullMQ runner); the in-process default calls
 * `executePartition` directly. Must resolve only when every input row is committed.
 */
export interface StepRunner {
  run(context: UdfRunContext, task: PartitionTask, stepHash: string): Promise<void>;
}

/** An inclusive range of input row ids (one partition of a distributed run). */
export interface IdRange {
  readonly from: number;
  readonly to: number;
}

/** Everything needed to process (part of) a UDF step's checkpointed input; used by runners and workers. */
export interface PartitionTask {
  readonly inputSchema: DatasetSchema;
  readonly step: UdfStep;
  readonly tables: CheckpointTables;
  /** Only input ids in this range; all when undefined. */
  readonly range?: IdRange;
}

/** Output table columns of a step (system columns, outputs, the error field when stored, `chainql_input`). */
export function outputColumns(step: UdfStep, warehouse: Session['warehouse']): ColumnDefinition[] {
  const store = step.options.onError === 'store';
  const tableSchema = withErrorField(fromZod(z.object(step.outputShape)), store, true);
  return [
    ...tableColumns(tableSchema, warehouse),
    {
      name: 'chainql_input',
      sqlType: sqlType(idColumn('chainql_input'), warehouse.dialect),
      nullable: false,
    },
  ];
}

/**
 * Processes the not-yet-committed input rows of a checkpointed UDF step (optionally one id range),
 * committing each batch's outputs together with the ids it covers. Safe to run again after a crash,
 * and safe to run for disjoint ranges in several processes at once.
 */
export async function executePartition(context: UdfRunContext, task: PartitionTask): Promise<void> {
  const outputSchema = fromZod(z.object(task.step.outputShape));
  const store = task.step.options.onError === 'store';
  await execute(context, task, outputSchema, store, outputColumns(task.step, context.session.warehouse));
}

async function execute(
  context: UdfRunContext,
  task: PartitionTask,
  outputSchema: DatasetSchema,
  store: boolean,
  outColumns: readonly ColumnDefinition[],
): Promise<void> {
  const { inputSchema, step, tables, range } = task;
  const { warehouse } = context.session;
  const inRange: ExprNode[] = range
    ? [
        {
          kind: 'comparison',
          op: 'gte',
          left: columnNode('sys.id', 'i'),
          right: { kind: 'literal', value: range.from },
        } as ExprNode,
        {
          kind: 'comparison',
          op: 'lte',
          left: columnNode('sys.id', 'i'),
          right: { kind: 'literal', value: range.to },
        } as ExprNode,
      ]
    : [];
  const notDone = { kind: 'isNull', operand: columnNode('sys.id', 'd'), negated: false } as ExprNode;
  const pending: SelectQuery = {
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
  const partition = step.kind === 'agg' ? leavesOf(inputSchema, step.partitionBy) : [];
  const ordered: SelectQuery = {
    ...pending,
    orderBy: [
      ...partition.map((column) => ({
        expr: columnNode(column.path, 'i'),
        direction: 'asc' as const,
        nulls: 'last' as const,
      })),
      { expr: columnNode('sys.id', 'i'), direction: 'asc', nulls: 'last' },
    ],
  };
  const remaining = await warehouse.query(
    context.compile({
      kind: 'select',
      from: { kind: 'subquery', query: pending, alias: 'p' },
      selections: [
        { expr: { kind: 'aggregate', fn: 'count', arg: { kind: 'star' } } as ExprNode, alias: 'n' },
      ],
    }),
  );
  const total = Number(remaining[0]?.n ?? 0);
  if (total === 0) return;

  const leaves = flattenSchema(inputSchema);
  const decode = createRowDecoder(leaves, warehouse.dialect);
  const bigints = leaves.some((column) => column.type.kind === 'bigint');
  const compiled = context.compile(ordered);
  async function* decoded(): AsyncIterable<UdfInputRow> {
    for await (const chunk of warehouse.stream(compiled, { bigints })) {
      for (const raw of chunk) yield { id: Number(raw.sys__id), row: decode(raw) as Record<string, unknown> };
    }
  } // File fields become File objects (row.file.read()); `prefetch` keeps that many downloads ahead of the UDF.
  const rows = (): AsyncIterable<UdfInputRow> =>
    fileFieldPaths(inputSchema).length === 0
      ? decoded()
      : prefetchRows(decoded(), inputSchema, {
          count: context.settings.prefetch ?? 0,
          context: context.files ?? { storage: context.session.storage },
          ...(context.settings.signal ? { signal: context.settings.signal } : {}),
        });

  const encodeOutput = createRowEncoder(flattenSchema(outputSchema), warehouse.dialect);
  const errorSchema: DatasetSchema = { format: 1, fields: { [ERROR_FIELD]: ERROR_SPEC } };
  const encodeError = createRowEncoder(flattenSchema(errorSchema), warehouse.dialect);
  const outputWidth = flattenSchema(outputSchema).length;
  const errorWidth = store ? flattenSchema(errorSchema).length : 0;
  const names = outColumns.map((column) => column.name);
  const commit = async (batch: BatchCommit): Promise<void> => {
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
      { table: tables.output, columns: names, rows: out },
      { table: tables.done, columns: ['sys__id'], rows: batch.inputIds.map((id) => [id]) },
    ]);
  };

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

/**
 * The row type after a UDF step, computed without running it: input + outputs (map, batchMap) or outputs
 * alone (gen, agg), plus the typed error field with `onError: 'store'`.
 */
export function udfResultSchema(inputSchema: DatasetSchema, step: UdfStep): DatasetSchema {
  const store = step.options.onError === 'store';
  const produced = withErrorField(fromZod(z.object(step.outputShape)), store, store);
  if (step.kind === 'gen' || step.kind === 'agg') return produced;
  let schema = inputSchema;
  for (const [name, spec] of Object.entries(produced.fields)) schema = withField(schema, name, spec);
  return schema;
}

/** The relation a finished step exposes: input + outputs (map, batchMap) or outputs alone (gen, agg). */
function outputRelation(input: Relation, step: UdfStep, tables: CheckpointTables): Relation {
  const schema = udfResultSchema(input.schema, step);
  if (step.kind === 'gen' || step.kind === 'agg') {
    const query: SelectQuery = {
      kind: 'select',
      from: { kind: 'table', name: tables.output },
      selections: passThrough(schema),
    };
    return { query, schema, order: undefined, lineage: input.lineage };
  }
  const store = step.options.onError === 'store';
  const outputLeaves = flattenSchema(withErrorField(fromZod(z.object(step.outputShape)), store, store));
  const fromOutput = new Set(outputLeaves.map((column) => column.name));
  const selections: Selection[] = scopeColumns(schema).map((column) => ({
    expr: columnNode(column.path, fromOutput.has(column.name) ? 'o' : 'i'),
    alias: pathToColumnName(column.path),
  }));
  const query: SelectQuery = {
    kind: 'select',
    from: {
      kind: 'join',
      joinType: 'inner',
      left: { kind: 'table', name: tables.input, alias: 'i' },
      right: { kind: 'table', name: tables.output, alias: 'o' },
      on: columnEquals('sys.id', 'i', 'chainql_input', 'o'),
    },
    selections,
  };
  return { query, schema, order: undefined, lineage: input.lineage };
}
