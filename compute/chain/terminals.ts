import { ExpressionTypeError } from '../../schema/errors.ts';
import { agg, columnNode, type ExprNode } from '../../schema/expr/index.ts';
import { createRowDecoder, flattenSchema } from '../../schema/record/index.ts';
import { createFileRehydrator, fileFieldPaths } from '../files/file-rows.ts';
import { declarationMatches, resolveKeys } from '../keys/index.ts';
import type { DatasetVersion } from '../registry/dataset-registry.ts';
import type { Session } from '../session.ts';
import { ChainRun, chainHash } from './chain-run.ts';
import { describeChain } from './describe-chain.ts';
import { expressionLeafType, widenIntegerSum } from './expr-types.ts';
import { fileContextFor } from './file-access.ts';
import type { ChainPlan } from './plan.ts';
import { scopeColumns } from './planner.ts';
import { countQuery, publishRelation } from './publish.ts';
import type { Relation } from './relation.ts';

/** Options of `save()`. */
export interface SaveOptions {
  /** Explicit semver version; default: patch bump of the latest version (first save: 1.0.0). */
  readonly version?: string;
  readonly description?: string;
  /**
   * Recompute from scratch: ignore a version with the same chain hash and drop UDF checkpoints instead
   * of resuming from them. Default false.
   */
  readonly force?: boolean;
  /**
   * Primary-key field paths (nested allowed: `['source', 'file.path']`); fields must be non-nullable
   * scalars and unique together (`DuplicateKeyError` otherwise, and no version is created). Omitted: the
   * latest version's key is kept; `null` or `[]`: no key. See compute/keys/key-declaration.ts.
   */
  readonly primaryKey?: readonly string[] | null;
  /**
   * Secondary indexes, each a list of field paths (`[['det.label'], ['a', 'b']]`), created after the
   * insert. Omitted: the latest version's indexes are kept; `[]` or `null`: none.
   */
  readonly indexes?: readonly (readonly string[])[] | null;
}

async function withRun<T>(session: Session, fn: (run: ChainRun) => Promise<T>, fresh = false): Promise<T> {
  const run = new ChainRun(session, { fresh });
  try {
    return await fn(run);
  } finally {
    await run.dispose();
  }
}

/**
 * True when the chain's source hashes its content while materialising it (in-memory records) and every
 * step is plain SQL: then opening first and hashing afterwards costs one pass over the rows instead of
 * two, and a repeated save only pays for a write that it drops again.
 */
function hashAfterOpen(plan: ChainPlan): boolean {
  const source = plan.source as { readonly identifiedByOpen?: boolean };
  return (
    source.identifiedByOpen === true &&
    plan.steps.every(
      (step) =>
        step.kind !== 'udf' &&
        step.kind !== 'join' &&
        step.kind !== 'union' &&
        step.kind !== 'subtract' &&
        step.kind !== 'diff',
    )
  );
}

/**
 * Saves the chain's rows as a new dataset version. All row work happens in the warehouse
 * (`INSERT … SELECT`); a materialised source with no steps is published without copying.
 * When the latest version with the same chain hash exists it is returned (unless `force`): at once,
 * or — for in-memory records, whose hash is computed while they are written — after the run's table
 * is dropped again. A source with a `saver` (read with `delta: true`) saves through it instead.
 */
export async function saveChain(
  plan: ChainPlan,
  session: Session,
  name: string,
  options: SaveOptions,
): Promise<DatasetVersion> {
  // A source can bring its own way of saving (delta: true → compute/delta's incremental save).
  const saver = plan.source.saver;
  if (saver) return saver(plan, session, name, options);
  // Validate key declarations on the planned schema before anything is written or any UDF runs.
  await resolveKeys(session.registry, name, await describeChain(plan, session), options);
  const early = !hashAfterOpen(plan);
  let hash = early ? await chainHash(plan, session) : '';
  const existingVersion = async (): Promise<DatasetVersion | undefined> => {
    if (options.force) return undefined;
    const existing = await session.registry.findVersionByHash(name, hash);
    return existing && declarationMatches(existing, options) ? existing : undefined;
  };
  if (early) {
    const existing = await existingVersion();
    if (existing) return existing;
  }
  return withRun(
    session,
    async (run) => {
      const relation = await run.relation(plan);
      if (!early) {
        hash = await chainHash(plan, session);
        // The run still tracks the table it materialised, so disposing it drops that table.
        const existing = await existingVersion();
        if (existing) return existing;
      }
      return publishRelation(run, { name, relation, chainHash: hash, save: options });
    },
    options.force ?? false,
  );
}

/** Streams the chain's rows as rehydrated nested objects, in chain order, chunk by chunk. */
export async function* streamChain(
  plan: ChainPlan,
  session: Session,
  limit?: number,
): AsyncGenerator<Record<string, unknown>> {
  const run = new ChainRun(session);
  try {
    const relation = await run.relation(plan);
    const columns = flattenSchema(relation.schema);
    const decode = createRowDecoder(columns, session.warehouse.dialect);
    // File fields come back as File objects (`row.file.read()`), reading through the source's storage.
    const files =
      fileFieldPaths(relation.schema).length > 0
        ? createFileRehydrator(relation.schema, fileContextFor(plan, session))
        : undefined;
    const bigints = columns.some((column) => column.type.kind === 'bigint');
    const query = run.orderedQuery(relation);
    const compiled = run.compile(limit === undefined ? query : { ...query, limit });
    for await (const chunk of session.warehouse.stream(compiled, { bigints })) {
      for (const raw of chunk) yield files ? files.rehydrate(decode(raw)) : decode(raw);
    }
  } finally {
    await run.dispose();
  }
}

/** Number of rows of the chain (one `COUNT(*)` in the warehouse). */
export async function countChain(plan: ChainPlan, session: Session): Promise<number> {
  return withRun(session, async (run) => {
    const relation = await run.relation(plan);
    const rows = await session.warehouse.query(
      run.compile(countQuery({ kind: 'subquery', query: relation.query, alias: 'c' })),
    );
    return Number(rows[0]?.n ?? 0);
  });
}

/** Numeric aggregates a chain can compute in one statement. */
export type NumericAggregate = 'sum' | 'avg' | 'min' | 'max';

/**
 * Computes one aggregate over a column path in the warehouse. Type-checked first: `sum`/`avg` of a
 * non-numeric column throw `ExpressionTypeError` before any SQL runs. Returns null over no rows.
 */
export async function aggregateChain(
  plan: ChainPlan,
  session: Session,
  fn: NumericAggregate,
  path: string,
): Promise<number | bigint | string | Date | boolean | null> {
  return withRun(session, async (run) => {
    const relation = await run.relation(plan);
    const columns = scopeColumns(relation.schema);
    const expr = widenIntegerSum(aggregateOf(fn, path), columns);
    const { type } = expressionLeafType(expr, columns);
    const rows = await session.warehouse.query(
      run.compile({
        kind: 'select',
        from: { kind: 'subquery', query: relation.query, alias: 'a' },
        selections: [{ expr, alias: 'value' }],
      }),
      { bigints: type.kind === 'bigint' },
    );
    const value = rows[0]?.value ?? null;
    if (value === null || value === undefined) return null;
    const decode = createRowDecoder(
      [{ path: 'value', name: 'value', type, nullable: true }],
      session.warehouse.dialect,
    );
    return (decode({ value }) as { value: number | bigint | string | Date | boolean | null }).value;
  });
}

function aggregateOf(fn: NumericAggregate, path: string): ExprNode {
  const column = columnNode(path);
  switch (fn) {
    case 'sum':
      return agg.sum(column).node;
    case 'avg':
      return agg.avg(column).node;
    case 'min':
      return agg.min(column).node;
    case 'max':
      return agg.max(column).node;
    default:
      throw new ExpressionTypeError(`Unknown aggregate '${String(fn)}'.`);
  }
}

/** The schema and row count of the planned chain (for `show`). */
export async function describeRelation(plan: ChainPlan, session: Session): Promise<Relation> {
  return withRun(session, (run) => run.relation(plan));
}
