import { createHash } from 'node:crypto';
import type { WarehouseDriver } from '../../clients/warehouse/warehouse-driver.ts';
import { columnNode } from '../../schema/expr/index.ts';
import type { Query, SelectQuery } from '../../schema/query/index.ts';
import type { DatasetSchema } from '../../schema/record/field-type.ts';
import type { Column } from '../../schema/record/index.ts';
import { sqlType } from '../../schema/record/index.ts';
import { ChainRun, chainHash } from '../chain/chain-run.ts';
import { unionRelations } from '../chain/combine.ts';
import { describeChain } from '../chain/describe-chain.ts';
import { compileInsertColumns } from '../chain/insert-select.ts';
import type { ChainPlan } from '../chain/plan.ts';
import { leavesOf } from '../chain/planner.ts';
import { countQuery, publishRelation } from '../chain/publish.ts';
import type { Relation } from '../chain/relation.ts';
import type { ChainSaver, ChainSource } from '../chain/sources/chain-source.ts';
import { temporaryTableName } from '../chain/table-writer.ts';
import type { SaveOptions } from '../chain/terminals.ts';
import { declarationMatches, resolveKeys } from '../keys/index.ts';
import type { DatasetVersion, LineageSource } from '../registry/dataset-registry.ts';
import { DatasetNotFoundError } from '../registry/registry-errors.ts';
import type { Session } from '../session.ts';
import { DeltaError } from './delta-errors.ts';
import { type DeltaHashes, deltaHashes } from './delta-hash.ts';
import type { DeltaOptions, DeltaSource, ResolvedDelta } from './delta-options.ts';
import { resolveDelta } from './delta-options.ts';
import {
  changedKeys,
  failedKeys,
  keptRows,
  missingKeys,
  pendingRows,
  snapshotRows,
} from './delta-queries.ts';
import { type DeltaFullReason, type DeltaReport, logDelta } from './delta-report.ts';
import { type DeltaRecord, DeltaStateStore } from './delta-state.ts';
import { OpenedSource, PendingRowsSource, writePendingRows } from './pending-source.ts';

/** Steps a delta run cannot apply to a part of the source: their output depends on other source rows. */
const WHOLE_INPUT_STEPS: Readonly<Record<string, string>> = {
  groupBy: 'groupBy() aggregates over many source rows',
  distinct: 'distinct() compares rows across the whole source',
  limit: 'limit() picks rows by their position in the whole source',
  offset: 'offset() picks rows by their position in the whole source',
  sample: 'sample() picks rows across the whole source',
  union: 'union() would append the other chain again on every delta run',
  diff: 'diff() reports rows of the other chain missing from the whole source',
};

/** The columns of a delta save: source key/compare leaves and the result's key leaves, pairwise. */
interface DeltaColumns {
  readonly on: readonly Column[];
  readonly compare: readonly Column[];
  readonly resultOn: readonly Column[];
  readonly retryField: string | undefined;
}

function sha(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\n');
  return hash.digest('hex');
}

function checkSteps(plan: ChainPlan): void {
  for (const step of plan.steps) {
    const why =
      step.kind === 'udf' && step.udf.kind === 'agg'
        ? 'agg() groups many source rows into one call'
        : WHOLE_INPUT_STEPS[step.kind];
    if (why) {
      throw new DeltaError(
        `A delta save reprocesses only new and changed source rows, but ${why}; remove delta: true or the ${step.kind === 'udf' ? 'agg' : step.kind}() step.`,
      );
    }
  }
}

function leaves(schema: DatasetSchema, paths: readonly string[], what: string): Column[] {
  try {
    return leavesOf(schema, paths);
  } catch (cause) {
    throw new DeltaError(`${what}: ${(cause as Error).message}`, { cause });
  }
}

function deltaColumns(
  source: DatasetSchema,
  result: DatasetSchema,
  delta: ResolvedDelta,
  store: string | undefined,
): DeltaColumns {
  const on = leaves(source, delta.on, 'deltaOn names a field the source does not have');
  const compare = leaves(source, delta.compare, 'deltaCompare names a field the source does not have');
  const resultOn = leaves(
    result,
    delta.resultOn,
    `delta needs the deltaOn field(s) ${delta.resultOn.join(', ')} in the result to trace result rows back to source rows (keep them, or name them with deltaResultOn)`,
  );
  if (resultOn.length !== on.length) {
    throw new DeltaError(
      `deltaResultOn (${delta.resultOn.join(', ')}) must name as many leaf fields as deltaOn (${delta.on.join(', ')}).`,
    );
  }
  let retryField: string | undefined;
  if (typeof delta.retry === 'string') {
    leaves(
      result,
      [delta.retry],
      `deltaRetry names a field the result does not have (${store ?? 'no'} error field)`,
    );
    retryField = delta.retry;
  }
  return { on, compare, resultOn, retryField };
}

async function latestVersion(session: Session, name: string): Promise<DatasetVersion | undefined> {
  try {
    return await session.registry.getVersion(name);
  } catch (error) {
    if (error instanceof DatasetNotFoundError) return undefined;
    throw error;
  }
}

/** The previous version a delta run builds on, or why the run must be full. */
type Previous =
  | { readonly usable: true; readonly version: DatasetVersion; readonly record: DeltaRecord }
  | {
      readonly usable: false;
      readonly reason: DeltaFullReason;
      readonly message: string;
      readonly record?: DeltaRecord;
    };

async function findPrevious(
  session: Session,
  store: DeltaStateStore,
  name: string,
  hashes: DeltaHashes,
  force: boolean,
): Promise<Previous> {
  if (force)
    return { usable: false, reason: 'force', message: 'save({ force: true }) recomputes everything.' };
  const version = await latestVersion(session, name);
  if (!version) return { usable: false, reason: 'first-run', message: `'${name}' has no version yet.` };
  const record = await store.get(version.table);
  const at = `${version.name}@${version.version}`;
  if (!record) {
    return {
      usable: false,
      reason: 'not-delta',
      message: `${at} was not saved by a delta-enabled chain, so its source rows are unknown.`,
    };
  }
  if (record.deltaHash !== hashes.deltaHash) {
    const udf = record.shapeHash === hashes.shapeHash;
    return {
      usable: false,
      reason: udf ? 'udf-code-changed' : 'chain-changed',
      record,
      message: udf
        ? `the UDF code changed since ${at}; a delta would mix results of two codes.`
        : `the chain (steps, source or delta fields) differs from the one that made ${at}.`,
    };
  }
  if (!(await session.warehouse.tableExists(record.snapshotTable))) {
    return {
      usable: false,
      reason: 'snapshot-missing',
      record,
      message: `the source snapshot of ${at} is gone (only the latest delta version keeps one).`,
    };
  }
  return { usable: true, version, record };
}

/**
 * Writes the changed-key set of a delta run into a small indexed table owned by the run: keys whose
 * snapshot rows differ between the previous run and this one (changed, new, deleted) and — with
 * `deltaRetry` — keys whose previous result rows have the retry field set or are missing. Returns the
 * table and its row count.
 */
async function writeChangedKeys(
  run: ChainRun,
  input: {
    readonly previous: string;
    readonly current: string;
    readonly prior: DatasetVersion;
    readonly columns: DeltaColumns;
    readonly retry: boolean;
  },
): Promise<{ readonly table: string; readonly rows: number }> {
  const { warehouse } = run.session;
  const { previous, current, prior, columns } = input;
  const queries = [
    changedKeys(previous, current, columns.on, columns.compare),
    changedKeys(current, previous, columns.on, columns.compare),
  ];
  if (input.retry) {
    if (columns.retryField !== undefined) {
      queries.push(failedKeys(prior.table, prior.schema, columns.resultOn, columns.on, columns.retryField));
    }
    queries.push(missingKeys(current, prior.table, columns.on, columns.resultOn));
  }
  const names = columns.on.map((column) => column.name);
  // The parts overlap (a changed key is in both snapshots' differences): one distinct, indexed key set.
  const [first, ...rest] = queries as [SelectQuery, ...SelectQuery[]];
  const union = rest.reduce<Query>((left, right) => ({ kind: 'set', op: 'unionAll', left, right }), first);
  const table = temporaryTableName();
  run.track(table);
  await createKeyTable(warehouse, table, columns.on);
  await warehouse.execute(
    compileInsertColumns(warehouse.dialect, table, names, {
      kind: 'select',
      from: { kind: 'subquery', query: union, alias: 'u' },
      selections: names.map((name) => ({ expr: columnNode(name), alias: name })),
      distinct: true,
    }),
  );
  await warehouse.createIndex(table, { name: `${table}_on`, columns: names, unique: false });
  return {
    table,
    rows: await count(run, { kind: 'select', from: { kind: 'table', name: table }, selections: 'all' }),
  };
}

async function createKeyTable(
  warehouse: WarehouseDriver,
  table: string,
  columns: readonly Column[],
): Promise<void> {
  await warehouse.createTable(
    table,
    columns.map((column) => ({
      name: column.name,
      sqlType: sqlType(column, warehouse.dialect),
      nullable: column.nullable,
    })),
    { orderBy: columns.map((column) => column.name) },
  );
}

async function count(run: ChainRun, query: SelectQuery): Promise<number> {
  const rows = await run.session.warehouse.query(
    run.compile(countQuery({ kind: 'subquery', query, alias: 'n' })),
  );
  return Number(rows[0]?.n ?? 0);
}

/** Copies the key and compare leaves of every current source row into the snapshot table. */
async function writeSnapshot(
  run: ChainRun,
  table: string,
  current: Relation,
  columns: DeltaColumns,
): Promise<void> {
  const { warehouse } = run.session;
  const stored = [...columns.on, ...columns.compare];
  await warehouse.dropTable(table);
  const idColumn: Column = { path: 'sys.id', name: 'sys__id', type: { kind: 'int' }, nullable: false };
  await warehouse.createTable(
    table,
    [idColumn, ...stored].map((column) => ({
      name: column.name,
      sqlType: sqlType(column, warehouse.dialect),
      nullable: column.nullable,
    })),
    { orderBy: ['sys__id'] },
  );
  await warehouse.execute(
    compileInsertColumns(
      warehouse.dialect,
      table,
      ['sys__id', ...stored.map((c) => c.name)],
      snapshotRows(current, stored),
    ),
  );
  // Key then compare leaves: the snapshot anti-joins read only this index (a covering scan and covering
  // probes), never the table rows.
  await warehouse.createIndex(table, {
    name: `${table}_on`,
    columns: stored.map((column) => column.name),
    unique: false,
  });
}

function dedupe(lineage: readonly LineageSource[]): LineageSource[] {
  const seen = new Set<string>();
  return lineage.filter((entry) => {
    const key = JSON.stringify(entry);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * `save()` of a chain whose source was read with `delta: true`.
 *
 * When the latest version of `name` was saved by the same chain (same steps, same UDF code, same source
 * structure and delta fields — see `deltaHashes`), the new version is that version's rows minus those whose
 * source row disappeared or changed (by `deltaOn` key and `deltaCompare` values against the source snapshot
 * recorded with it), plus the chain run over the new and changed source rows only; with `deltaRetry`, rows
 * missing from the result (and rows whose retry field is set) are reprocessed too. Otherwise the chain runs
 * in full (the report says why) and the version records a snapshot for the next run. Unchanged input returns
 * the previous version. Rows of a delta version are ordered by the result's key.
 *
 * Composes with the rest of `save`: UDF steps checkpoint (a crashed delta run resumes: the rows it processes
 * are derived deterministically from the same inputs), run on the configured runner (BullMQ workers), and
 * the key declaration is inherited and enforced on the whole new version (`DuplicateKeyError`).
 *
 * @throws DeltaError (INVALID_DELTA) for steps that need the whole source, or delta fields that do not exist.
 */
export async function saveDelta(
  plan: ChainPlan,
  session: Session,
  name: string,
  options: SaveOptions,
): Promise<DatasetVersion> {
  const source = plan.source as ChainSource & DeltaSource;
  checkSteps(plan);
  const resultSchema = await describeChain(plan, session);
  await resolveKeys(session.registry, name, resultSchema, options);
  const delta = await resolveDelta(source, session);
  const store = plan.steps.some((step) => step.kind === 'udf' && step.udf.options.onError === 'store')
    ? 'udf_error'
    : undefined;
  const columns = deltaColumns(await source.describe(session), resultSchema, delta, store);
  const report = (entry: DeltaReport) => (plan.settings.onDelta ?? logDelta)(entry);
  const hash = await chainHash(plan, session);

  if (!options.force && delta.retry === false) {
    const existing = await session.registry.findVersionByHash(name, hash);
    if (existing && declarationMatches(existing, options)) {
      report({ mode: 'unchanged', dataset: name, previous: `${existing.name}@${existing.version}` });
      return existing;
    }
  }
  const hashes = await deltaHashes(plan, source, delta, session);
  const states = await DeltaStateStore.open(session.warehouse);
  const previous = await findPrevious(session, states, name, hashes, options.force ?? false);
  const run = new ChainRun(session, { fresh: options.force ?? false });
  const { warehouse } = session;
  const snapshotTable = `chainql_dsnap_${sha(hash, previous.usable ? previous.version.table : '').slice(0, 24)}`;
  try {
    const current = await source.open(session, (table) => run.track(table));
    await writeSnapshot(run, snapshotTable, current, columns);
    const record = (table: string) =>
      states.record({ table, snapshotTable, deltaHash: hashes.deltaHash, shapeHash: hashes.shapeHash });
    let version: DatasetVersion;
    if (!previous.usable) {
      report({ mode: 'full', dataset: name, reason: previous.reason, message: previous.message });
      const relation = await run.relation({ ...plan, source: new OpenedSource(source, current) });
      version = await publishRelation(run, {
        name,
        relation,
        chainHash: hash,
        save: options,
        beforeRegister: record,
      });
    } else {
      const prior = previous.version;
      const changed = await writeChangedKeys(run, {
        previous: previous.record.snapshotTable,
        current: snapshotTable,
        prior,
        columns,
        retry: delta.retry !== false,
      });
      const pending = await writePendingRows(
        session,
        pendingRows(current, columns.on, changed.table),
        current.schema,
        (table) => run.track(table),
      );
      const kept = keptRows(prior.table, prior.schema, columns.resultOn, changed.table, columns.on);
      // Nothing to process and no changed key: unchanged unless previous rows with a NULL key went away.
      if (pending.rows === 0 && changed.rows === 0 && (await count(run, kept)) === prior.rows) {
        await warehouse.dropTable(snapshotTable);
        report({ mode: 'unchanged', dataset: name, previous: `${prior.name}@${prior.version}` });
        return prior;
      }
      const id = sha('delta-pending', hashes.deltaHash, prior.table, hash, String(delta.retry));
      const pendingSource = new PendingRowsSource(source, pending.table, current.schema, id, current.lineage);
      const fresh = await run.relation({ ...plan, source: pendingSource });
      const keptRelation: Relation = { query: kept, schema: prior.schema, order: undefined, lineage: [] };
      const union = unionRelations(keptRelation, fresh);
      const relation: Relation = {
        ...union,
        order: columns.resultOn.map((column) => ({
          expr: columnNode(column.path),
          direction: 'asc' as const,
        })),
      };
      // Counted before publishing: the fresh rows are the small side (their tables go with the run).
      const freshRows = await count(run, {
        kind: 'select',
        from: { kind: 'subquery', query: fresh.query, alias: 'f' },
        selections: 'all',
      });
      version = await publishRelation(run, {
        name,
        relation,
        chainHash: hash,
        save: options,
        lineage: dedupe([...fresh.lineage, { dataset: prior.name, version: prior.version }]),
        beforeRegister: record,
      });
      const keptCount = version.rows - freshRows;
      report({
        mode: 'delta',
        dataset: name,
        previous: `${prior.name}@${prior.version}`,
        processed: pending.rows,
        kept: keptCount,
        dropped: prior.rows - keptCount,
      });
    }
    // Only the latest delta version keeps a snapshot: the next run compares with it.
    const older = previous.record;
    if (older && older.snapshotTable !== snapshotTable) await warehouse.dropTable(older.snapshotTable);
    return version;
  } catch (error) {
    await warehouse.dropTable(snapshotTable);
    throw error;
  } finally {
    await run.dispose();
  }
}

/**
 * The `saver` of a source read with `options` (see `ChainSource.saver`): {@link saveDelta} when `delta: true`,
 * otherwise undefined (the chain saves in full as usual).
 */
export function deltaSaver(options: DeltaOptions | undefined): ChainSaver | undefined {
  return options?.delta === true ? saveDelta : undefined;
}
