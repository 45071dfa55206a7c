import type { DatasetSchema } from '../../schema/record/field-type.ts';
import type { Session } from '../session.ts';
import { joinRelations, subtractRelations, unionRelations } from './combine.ts';
import { diffRelations } from './diff.ts';
import type { ChainPlan } from './plan.ts';
import { applySqlStep } from './planner.ts';
import type { Relation } from './relation.ts';
import { scanTable } from './sources/scan.ts';
import { udfResultSchema } from './udf-step-relation.ts';

function placeholder(schema: DatasetSchema): Relation {
  return { query: scanTable('chainql_describe', schema), schema, order: undefined, lineage: [] };
}

/**
 * The row type a chain produces, computed without writing or running anything: sources describe their
 * schema, SQL steps are planned (so unknown paths and type errors surface here too), UDF steps contribute
 * their declared outputs. `save` uses it to validate key declarations before any data is written.
 */
export async function describeChain(plan: ChainPlan, session: Session): Promise<DatasetSchema> {
  let relation = placeholder(await plan.source.describe(session));
  for (const step of plan.steps) {
    switch (step.kind) {
      case 'join':
        relation = joinRelations(
          relation,
          placeholder(await describeChain(step.other, session)),
          step.on,
          step.joinType,
          step.rightPrefix,
        );
        break;
      case 'union':
        relation = unionRelations(relation, placeholder(await describeChain(step.other, session)));
        break;
      case 'subtract':
        relation = subtractRelations(
          relation,
          placeholder(await describeChain(step.other, session)),
          step.on,
        );
        break;
      case 'diff':
        relation = diffRelations(relation, placeholder(await describeChain(step.other, session)), step.spec);
        break;
      case 'udf':
        relation = placeholder(udfResultSchema(relation.schema, step.udf));
        break;
      default:
        relation = applySqlStep(relation, step);
    }
  }
  return relation.schema;
}
