import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FromThread, ThreadWorkerData, ToThread } from './thread-protocol.ts';
import { deserializeError } from './thread-protocol.ts';
import { UdfAbortedError, UdfLoadError, UdfWorkerError } from './udf-errors.ts';
import type { UnitPayload } from './udf-invoke.ts';
import { udfSourceText } from './udf-source.ts';
import type { UdfStep } from './udf-step.ts';
import type { InvokeResult, UnitInvoker } from './unit-invoker.ts';

interface Pending {
  readonly resolve: (result: InvokeResult) => void;
  readonly reject: (error: unknown) => void;
}

interface ThreadSlot {
  readonly worker: Worker;
  threadId: number;
  inflight: number;
  exited: boolean;
  readonly pending: Map<number, Pending>;
}

const workerUrl = new URL('./thread-worker.ts', import.meta.url).href;

/**
 * The worker's entry: registers tsx's ESM loader in the thread (the UDF modules and this engine are
 * TypeScript), then imports the TypeScript worker module. `--import tsx` in execArgv is not enough: it
 * is not applied when the parent itself runs under another loader (vitest), so the hooks are
 * registered explicitly. Without tsx installed, modules must already be JavaScript.
 */
function bootstrapSource(): string {
  let tsxApi: string | undefined;
  try {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
      exports?: Record<string, { import?: { default?: string } }>;
    };
    const entry = pkg.exports?.['./esm/api']?.import?.default;
    if (entry) tsxApi = pathToFileURL(join(dirname(pkgPath), entry)).href;
  } catch {
    tsxApi = undefined;
  }
  const register = tsxApi ? `(await import(${JSON.stringify(tsxApi)})).register();` : '';
  return `(async () => { ${register} await import(${JSON.stringify(workerUrl)}); })().catch((error) => { setImmediate(() => { throw error; }); });`;
}

let bootstrap: string | undefined;

/**
 * Runs units in `threads` worker threads, each importing the step's module (TypeScript through tsx)
 * and running setup once. Units go to the thread with the fewest in flight. A thread that fails to
 * load or set up fails `start` (no half-initialised pool is used); a thread that dies mid-run fails
 * its pending units with UdfWorkerError.
 */
export class ThreadInvoker implements UnitInvoker {
  private readonly slots: ThreadSlot[] = [];
  private nextId = 1;
  private closing = false;
  private broken: UdfWorkerError | undefined;
  private abortHooked = false;

  constructor(
    private readonly step: UdfStep,
    private readonly threads: number,
  ) {}

  /** Ids of the worker threads. */
  get threadIds(): readonly number[] {
    return this.slots.map((s) => s.threadId);
  }

  /**
   * Starts the threads and waits until each has loaded the step and run setup.
   * @throws UdfLoadError when a thread cannot import the step; UdfWorkerError when setup fails.
   */
  async start(): Promise<void> {
    const data: ThreadWorkerData = { origin: this.step.origin, sourceText: udfSourceText(this.step) };
    const ready: Promise<void>[] = [];
    for (let i = 0; i < this.threads; i++) {
      bootstrap ??= bootstrapSource();
      const worker = new Worker(bootstrap, { eval: true, workerData: data });
      const slot: ThreadSlot = {
        worker,
        threadId: worker.threadId,
        inflight: 0,
        pending: new Map(),
        exited: false,
      };
      this.slots.push(slot);
      ready.push(this.watch(slot));
    }
    const results = await Promise.allSettled(ready);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await this.terminateAll();
      throw failed.reason;
    }
  }

  private watch(slot: ThreadSlot): Promise<void> {
    return new Promise((resolve, reject) => {
      let isReady = false;
      slot.worker.on('message', (message: FromThread) => {
        switch (message.t) {
          case 'ready':
            isReady = true;
            resolve();
            return;
          case 'loadError': {
            const cause = deserializeError(message.error);
            reject(
              message.error.name === 'UdfLoadError'
                ? new UdfLoadError(message.error.message, { cause })
                : cause,
            );
            return;
          }
          case 'setupError':
            reject(
              new UdfWorkerError(`UDF setup failed in worker thread: ${message.error.message}`, {
                cause: deserializeError(message.error),
              }),
            );
            return;
          case 'done':
          case 'fail': {
            const pending = slot.pending.get(message.id);
            if (!pending) return;
            slot.pending.delete(message.id);
            slot.inflight--;
            if (message.t === 'done') pending.resolve({ outputs: message.outputs, tokens: message.tokens });
            else pending.reject(deserializeError(message.error));
            return;
          }
          case 'closed':
            return;
        }
      });
      const die = (error: unknown) => {
        const failure = new UdfWorkerError(
          `UDF worker thread ${slot.threadId} stopped unexpectedly: ${String((error as Error)?.message ?? error)}`,
          { cause: error },
        );
        if (!isReady)
          reject(new UdfLoadError(`UDF worker thread failed to start: ${failure.message}`, { cause: error }));
        if (!this.closing) this.broken = failure;
        for (const pending of slot.pending.values()) pending.reject(failure);
        slot.pending.clear();
      };
      slot.worker.on('error', die);
      slot.worker.on('exit', (code) => {
        slot.exited = true;
        if (!this.closing || slot.pending.size > 0) die(new Error(`exit code ${code}`));
      });
    });
  }

  /** Sends the unit to the least busy thread. */
  invoke(unit: UnitPayload, attempt: number, signal: AbortSignal): Promise<InvokeResult> {
    if (this.broken) return Promise.reject(this.broken);
    if (signal.aborted) return Promise.reject(new UdfAbortedError({ cause: signal.reason }));
    let slot = this.slots[0]!;
    for (const candidate of this.slots) if (candidate.inflight < slot.inflight) slot = candidate;
    const id = this.nextId++;
    slot.inflight++;
    if (!this.abortHooked) {
      this.abortHooked = true;
      signal.addEventListener('abort', () => this.broadcast({ t: 'abort' }), { once: true });
    }
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      const message: ToThread = { t: 'run', id, ids: unit.ids, rows: unit.rows, key: unit.key, attempt };
      slot.worker.postMessage(message);
    });
  }

  private broadcast(message: ToThread): void {
    for (const slot of this.slots) {
      try {
        slot.worker.postMessage(message);
      } catch {
        // The thread is already gone; nothing to abort there.
      }
    }
  }

  /** Runs teardown in every thread (10 s at most), then terminates them. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.slots
        .filter((slot) => !slot.exited)
        .map(
          (slot) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 10_000);
              slot.worker.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              slot.worker.on('message', (m: FromThread) => {
                if (m.t === 'closed') {
                  clearTimeout(timer);
                  resolve();
                }
              });
              try {
                slot.worker.postMessage({ t: 'teardown' } satisfies ToThread);
              } catch {
                resolve();
              }
            }),
        ),
    );
    await this.terminateAll();
  }

  private async terminateAll(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate().catch(() => undefined)));
  }
}
