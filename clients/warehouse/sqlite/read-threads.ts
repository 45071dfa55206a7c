import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { RawRow } from '../warehouse-driver.ts';
import type { ReadTask } from './read-task.ts';
import type { ReadFailure } from './read-worker.ts';

/** Options of {@link ReadThreads}. */
export interface ReadThreadsOptions {
  /** Worker threads (all started at once). */
  readonly threads: number;
  /** Reads queued beyond busy threads before new ones are refused. */
  readonly maxQueue: number;
}

/** Thrown by {@link ReadThreads.run} when the queue is full. */
export class ReadQueueFullError extends Error {}

/**
 * A pool of worker threads running SQLite reads (read-worker.ts). SQLite calls block their thread, so
 * running them here keeps the event loop free: a slow query occupies one thread while the others keep
 * answering. Aborting a read's signal terminates its thread (piscina replaces it), which is how a timeout
 * stops a runaway statement.
 */
export class ReadThreads {
  readonly #pool: Piscina;
  /** Reads running or waiting; bounded by threads + maxQueue. Counted here, the one bound: piscina parks
   * reads that arrive while every thread is busy outside the queue its `maxQueue` bounds. */
  #inFlight = 0;
  readonly #capacity: number;
  readonly #threads: number;

  constructor(options: ReadThreadsOptions) {
    this.#threads = options.threads;
    this.#capacity = options.threads + options.maxQueue;
    this.#pool = new Piscina({
      filename: new URL('./read-worker.ts', import.meta.url).href,
      // The worker is TypeScript: load it through tsx like the rest of chainql. The loader is resolved from
      // this file, not from the current directory (`chainql serve` may run anywhere).
      execArgv: ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href],
      // All threads start at once: starting one on demand (tsx + better-sqlite3) takes long enough to stall
      // the fast query that arrives while another thread is busy with a slow one.
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
  }

  /** Threads not running a read now. */
  get idle(): number {
    return Math.max(0, this.#threads - this.#inFlight);
  }

  /**
   * Runs one read on a thread.
   * @returns the rows, or the engine's failure as data.
   * @throws ReadQueueFullError when the queue is full; piscina's AbortError when `signal` aborts.
   */
  async run(task: ReadTask, signal: AbortSignal | undefined): Promise<RawRow[] | ReadFailure> {
    if (this.#inFlight >= this.#capacity) throw new ReadQueueFullError();
    this.#inFlight++;
    try {
      return (await this.#pool.run(task, signal === undefined ? {} : { signal })) as RawRow[] | ReadFailure;
    } finally {
      this.#inFlight--;
    }
  }

  /** Stops every thread. */
  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
