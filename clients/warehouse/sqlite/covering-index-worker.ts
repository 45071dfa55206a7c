/**
 * Worker-thread entry that builds one covering index (see covering-index-advisor.ts). CREATE INDEX holds
 * SQLite's write lock and its thread for as long as it reads the table, so it runs here, on its own
 * connection, never on the thread serving queries.
 */
import Database from 'better-sqlite3';
import type { CoveringIndexJob, CoveringIndexOutcome } from './covering-index-job.ts';

/** Builds the index; reports its build time and size, or the engine's message. */
export default function buildCoveringIndex(job: CoveringIndexJob): CoveringIndexOutcome {
  let outcome: CoveringIndexOutcome;
  const db = new Database(job.path, { fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(job.busyTimeoutMs))}`);
    const started = performance.now();
    db.exec(job.sql);
    const ms = performance.now() - started;
    const size = db
      .prepare('SELECT coalesce(sum(pgsize), 0) AS bytes FROM dbstat WHERE name = ?')
      .get(job.name) as {
      bytes: number;
    };
    outcome = { ok: true, ms, bytes: Number(size.bytes) };
  } catch (error) {
    outcome = { ok: false, message: String((error as Error).message ?? error) };
  } finally {
    db.close();
  }
  return outcome;
}
