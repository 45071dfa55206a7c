import { createHash } from 'node:crypto';
import type { CompiledQuery } from '../../schema/dialect/compiled-query.ts';
import { getCompiler } from '../../schema/dialect/index.ts';
import { columnNode } from '../../schema/expr/index.ts';
import type { Query, SelectQuery } from '../../schema/query/index.ts';
import type { Session } from '../session.ts';
import { joinRelations, subtractRelations, unionRelations } from './combine.ts';
import type { ChainPlan, PlanStep } from './plan.ts';
import { applySqlStep, passThrough } from './planner.ts';
import type { Relation } from './relation.ts';
import { stableJson } from './stable-json.ts';

/**
 * One execution of a chain plan against a session: opens sources, applies steps, compiles queries,
 * and drops the temporary tables it created when disposed.
 */
export class ChainRun {
  private readonly tempTables = new Set<string>();

  constructor(readonly session: Session) {}

  /** Plans the whole chain into a relation (materialising in-memory/file sources). */
  async relation(plan: ChainPlan): Promise<Relation> {
    let relation = await plan.source.open(this.session, (table) => this.tempTables.add(table));
    for (const step of plan.steps) relation = await this.apply(relation, step);
    return relation;
  }

  private async apply(relation: Relation, step: PlanStep): Promise<Relation> {
    switch (step.kind) {
      case 'join':
        return joinRelations(relation, await this.relation(step.other), step.on, step.joinType, step.rightPrefix);
      case 'union':
        return unionRelations(relation, await this.relation(step.other));
      case 'subtract':
        return subtractRelations(relation, await this.relation(step.other), step.on);
      default:
        return applySqlStep(relation, step);
    }
  }

  /** Compiles a query for this session's warehouse dialect. */
  compile(query: Query): CompiledQuery {
    return getCompiler(this.session.warehouse.dialect).compileQuery(query);
  }

  /** The relation's rows in chain order (`sys__id` order when the chain set none). */
  orderedQuery(relation: Relation): SelectQuery {
    // `sys.id` breaks ties so equal keys come back in a stable order run after run.
    const byId = { expr: columnNode('sys.id'), direction: 'asc' as const, nulls: 'last' as const };
    const keys = relation.order?.map((key) => ({
      expr: key.expr,
      direction: key.direction,
      nulls: key.nulls ?? (key.direction === 'asc' ? ('last' as const) : ('first' as const)),
    }));
    const orderBy = keys ? [...keys, byId] : [byId];
    return {
      kind: 'select',
      from: { kind: 'subquery', query: relation.query, alias: 'o' },
      selections: passThrough(relation.schema),
      orderBy,
    };
  }

  /** Stops tracking a temporary table (it was published as a dataset version). */
  adopt(table: string): void {
    this.tempTables.delete(table);
  }

  /** Drops every temporary table this run created. */
  async dispose(): Promise<void> {
    for (const table of this.tempTables) await this.session.warehouse.dropTable(table);
    this.tempTables.clear();
  }
}

/**
 * The chain hash: source identity + every step's parameters (+ each UDF's source text, once UDF steps
 * exist). Equal hashes mean the same output; `save` uses it to return an existing version instantly.
 */
export async function chainHash(plan: ChainPlan, session: Session): Promise<string> {
  const steps: unknown[] = [];
  for (const step of plan.steps) {
    if (step.kind === 'join' || step.kind === 'union' || step.kind === 'subtract') {
      steps.push({ ...step, other: await chainHash(step.other, session) });
    } else {
      steps.push(step);
    }
  }
  const text = stableJson({ source: await plan.source.identity(session), steps });
  return createHash('sha256').update(text).digest('hex');
}
