import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { ChainqlError } from '../../schema/errors.ts';
import { QueryTimeoutError } from '../server-errors.ts';
import type { ReadTask } from './read-worker.ts';

/** Runs compiled SELECTs against the warehouse file. */
export interface ReadExecutor {
  /**
   * Runs one statement; rows are keyed by column alias.
   * @throws QueryTimeoutError when `signal` aborts first (the statement is interrupted).
   */
  read(task: ReadTask, signal?: AbortSignal): Promise<Record<string, unknown>[]>;
  /** Stops the workers. */
  close(): Promise<void>;
}

/** Options of {@link createReadPool}. */
export interface ReadPoolOptions {
  /** Worker threads. Default: min(4, max(2, available parallelism)). */
  readonly threads?: number;
  /** Tasks queued beyond busy workers before new ones are rejected. Default 256. */
  readonly maxQueue?: number;
}

/**
 * A pool of worker threads, each with its own read-only better-sqlite3 connection (see
 * `read-worker.ts`). SQLite calls block their thread, so running them here keeps the event loop free:
 * a slow query occupies one worker while others keep answering. Aborting a task's signal terminates its
 * worker (piscina replaces it), which is how per-query timeouts stop a runaway statement.
 */
export function createReadPool(options: ReadPoolOptions = {}): ReadExecutor {
  const threads = options.threads ?? Math.min(4, Math.max(2, availableParallelism()));
  const pool = new Piscina({
    filename: new URL('./read-worker.ts', import.meta.url).href,
    // The worker is TypeScript: load it through tsx like the rest of chainql. The loader is resolved from
    // this file, not from the current directory (`chainql serve` may run anywhere).
    execArgv: ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href],
    // All workers start at once: starting one on demand (tsx + better-sqlite3) takes long enough to stall the
    // fast query that arrives while another worker is busy with a slow one.
    minThreads: threads,
    maxThreads: threads,
    maxQueue: options.maxQueue ?? 256,
    idleTimeout: Number.POSITIVE_INFINITY,
  });
  return {
    async read(task, signal) {
      try {
        return (await pool.run(task, signal === undefined ? {} : { signal })) as Record<string, unknown>[];
      } catch (error) {
        if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new QueryTimeoutError(0);
        // The worker's SqliteError arrives as a plain Error; a vanished table means the version was deleted
        // after this request's schema was built.
        if (/queue is at limit/i.test((error as Error)?.message ?? '')) {
          throw new ChainqlError('OVERLOADED', 'The server is busy (read queue full); retry shortly.', {
            cause: error,
          });
        }
        if (/no such table/i.test((error as Error)?.message ?? '')) {
          throw new ChainqlError(
            'DATASET_NOT_FOUND',
            'The dataset (or this version of it) no longer exists.',
            {
              cause: error,
            },
          );
        }
        throw error;
      }
    },
    async close() {
      await pool.destroy();
    },
  };
}
