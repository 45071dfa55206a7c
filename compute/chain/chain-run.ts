import type { CompiledQuery } from '../../schema/dialect/compiled-query.ts';
import { getCompiler } from '../../schema/dialect/index.ts';
import { columnNode } from '../../schema/expr/index.ts';
import type { Query, SelectQuery } from '../../schema/query/index.ts';
import { CheckpointStore } from '../checkpoint/checkpoint-store.ts';
import { resolveRunner } from '../runners/resolve-runner.ts';
import type { PipelineCall, StepPlacement } from '../runners/step-runner.ts';
import type { Session } from '../session.ts';
import { joinRelations, subtractRelations, unionRelations } from './combine.ts';
import { diffRelations } from './diff.ts';
import { fileContextFor } from './file-access.ts';
import type { ChainPlan, PlanStep } from './plan.ts';
import { applySqlStep, passThrough } from './planner.ts';
import type { Relation } from './relation.ts';
import { nextHash, sourceHash } from './step-hash.ts';
import { runUdfStep } from './udf-step-relation.ts';
import { udfStepsInRunOrder } from './udf-steps.ts';

export { chainHash } from './step-hash.ts';

/** Options of a chain run. */
export interface ChainRunOptions {
  /** Ignore (and drop) existing UDF checkpoints instead of resuming from them. Default false. */
  readonly fresh?: boolean;
}

/**
 * One execution of a chain plan against a session: opens sources, applies steps (running UDF steps
 * with checkpoints), compiles queries, and drops the temporary tables it created when disposed.
 */
export class ChainRun {
  private readonly tempTables = new Set<string>();
  private readonly stepHashes: string[] = [];
  private checkpointStore: CheckpointStore | undefined;
  /** UDF steps applied so far (the next step's position). */
  private udfPosition = 0;
  /** The pipeline job of the root chain, if any (nested chains of joins belong to it too). */
  private pipeline: PipelineCall | undefined;
  private checked = false;

  constructor(
    readonly session: Session,
    private readonly options: ChainRunOptions = {},
  ) {}

  /** Plans the whole chain into a relation (materialising sources, running UDF steps). */
  async relation(plan: ChainPlan): Promise<Relation> {
    if (!this.checked) {
      // Before any source is opened or anything enqueued: every UDF step must be runnable by its runner
      // (e.g. loadable on BullMQ workers), so a script learns at once what to change.
      this.checked = true;
      this.pipeline = plan.settings.pipeline;
      const steps = udfStepsInRunOrder(plan);
      for (const [position, { step, plan: owner }] of steps.entries()) {
        await resolveRunner(owner.settings).check(step, this.placement(position));
      }
    }
    let relation = await plan.source.open(this.session, (table) => this.tempTables.add(table));
    let hash = plan.steps.some((step) => step.kind === 'udf') ? await sourceHash(plan, this.session) : '';
    for (const step of plan.steps) {
      const before = hash;
      if (hash) hash = await nextHash(hash, step, this.session);
      relation = await this.apply(relation, step, plan, before, hash);
    }
    return relation;
  }

  private async apply(
    relation: Relation,
    step: PlanStep,
    plan: ChainPlan,
    _before: string,
    after: string,
  ): Promise<Relation> {
    switch (step.kind) {
      case 'join':
        return joinRelations(
          relation,
          await this.relation(step.other),
          step.on,
          step.joinType,
          step.rightPrefix,
        );
      case 'union':
        return unionRelations(relation, await this.relation(step.other));
      case 'subtract':
        return subtractRelations(relation, await this.relation(step.other), step.on);
      case 'diff':
        return diffRelations(relation, await this.relation(step.other), step.spec);
      case 'udf': {
        this.checkpointStore ??= await CheckpointStore.open(this.session.warehouse);
        this.stepHashes.push(after);
        const placement = this.placement(this.udfPosition++);
        const runner = resolveRunner(plan.settings);
        return runUdfStep(
          {
            session: this.session,
            checkpoints: this.checkpointStore,
            settings:
              plan.settings.onProgress || !this.session.onProgress
                ? plan.settings
                : { ...plan.settings, onProgress: this.session.onProgress },
            fresh: this.options.fresh ?? false,
            files: fileContextFor(plan, this.session),
            compile: (query) => this.compile(query),
            ordered: (input) => this.orderedQuery(input),
          },
          relation,
          step.udf,
          after,
          (context, task) => runner.run(context, task, after, placement),
        );
      }
      default:
        return applySqlStep(relation, step);
    }
  }

  private placement(position: number): StepPlacement {
    return this.pipeline ? { position, pipeline: this.pipeline } : { position };
  }

  /** Compiles a query for this session's warehouse dialect. */
  compile(query: Query): CompiledQuery {
    return getCompiler(this.session.warehouse.dialect).compileQuery(query);
  }

  /** The relation's rows in chain order (`sys.id` breaks ties, and orders chains that set no order). */
  orderedQuery(relation: Relation): SelectQuery {
    const byId = { expr: columnNode('sys.id'), direction: 'asc' as const, nulls: 'last' as const };
    const keys = relation.order?.map((key) => ({
      expr: key.expr,
      direction: key.direction,
      nulls: key.nulls ?? (key.direction === 'asc' ? ('last' as const) : ('first' as const)),
    }));
    return {
      kind: 'select',
      from: { kind: 'subquery', query: relation.query, alias: 'o' },
      selections: passThrough(relation.schema),
      orderBy: keys ? [...keys, byId] : [byId],
    };
  }

  /** Tracks a temporary table created for this run (dropped by `dispose` unless adopted). */
  track(table: string): void {
    this.tempTables.add(table);
  }

  /** Stops tracking a temporary table (it was published as a dataset version). */
  adopt(table: string): void {
    this.tempTables.delete(table);
  }

  /** Drops the checkpoints of this run's UDF steps (their result now lives in a saved version). */
  async releaseCheckpoints(): Promise<void> {
    if (!this.checkpointStore) return;
    for (const hash of this.stepHashes) await this.checkpointStore.drop(hash);
    await this.checkpointStore.collectGarbage();
  }

  /** Drops every temporary table this run created. */
  async dispose(): Promise<void> {
    for (const table of this.tempTables) await this.session.warehouse.dropTable(table);
    this.tempTables.clear();
  }
}
