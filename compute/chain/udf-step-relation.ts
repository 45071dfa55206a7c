import { columnNode } from '../../schema/expr/index.ts';
import type { Selection, SelectQuery } from '../../schema/query/index.ts';
import { pathToColumnName } from '../../schema/record/column.ts';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import { flattenSchema } from '../../schema/record/index.ts';
import type { CheckpointTables } from '../checkpoint/checkpoint-store.ts';
import { type PendingRowsRunner, runCheckpointedStep } from '../checkpoint/checkpointed-step.ts';
import type { StepRunContext } from '../checkpoint/partition-task.ts';
import { producedSchema } from '../checkpoint/step-output-table.ts';
import type { UdfStep } from '../udf/index.ts';
import { compileInsertSelect } from './insert-select.ts';
import { columnEquals, passThrough, scopeColumns } from './planner.ts';
import type { Relation } from './relation.ts';
import { withField } from './schema-ops.ts';
import { createRowTable } from './table-writer.ts';

/**
 * The row type after a UDF step, computed without running it: input + outputs (map, batchMap) or outputs
 * alone (gen, agg), plus the typed error field with `onError: 'store'`.
 */
export function udfResultSchema(inputSchema: DatasetSchema, step: UdfStep): DatasetSchema {
  const produced = producedSchema(step, step.options.onError === 'store');
  if (step.kind === 'gen' || step.kind === 'agg') return produced;
  let schema = inputSchema;
  for (const [name, spec] of Object.entries(produced.fields)) schema = withField(schema, name, spec);
  return schema;
}

/**
 * Runs (or resumes) a UDF step of a chain through its checkpoint (compute/checkpoint) with `runPending`
 * (the chain's runner) and returns the relation of its result.
 */
export async function runUdfStep(
  context: StepRunContext & { readonly fresh: boolean; ordered(relation: Relation): SelectQuery },
  input: Relation,
  step: UdfStep,
  stepHash: string,
  runPending: PendingRowsRunner,
): Promise<Relation> {
  const { warehouse } = context.session;
  const tables = await runCheckpointedStep(
    context,
    {
      schema: input.schema,
      createTable: (table) => createRowTable(warehouse, table, input.schema),
      materialise: async (table) => {
        await warehouse.execute(compileInsertSelect(warehouse.dialect, table, input, context.ordered(input)));
      },
    },
    step,
    stepHash,
    runPending,
  );
  return outputRelation(input, step, tables);
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
  const outputLeaves = flattenSchema(producedSchema(step, step.options.onError === 'store'));
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
