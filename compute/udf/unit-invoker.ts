import type { UnitPayload } from './udf-invoke.ts';
import { CallContext, invokeStep } from './udf-invoke.ts';
import type { UdfStep } from './udf-step.ts';

/** Raw result of one call: unvalidated outputs plus the tokens the UDF reported. */
export interface InvokeResult {
  readonly outputs: unknown[];
  readonly tokens: number;
}

/**
 * Runs units of a step somewhere (this thread, a worker-thread pool). `start` runs `setup`,
 * `close` runs `teardown`; `invoke` rejects with the UDF's error.
 */
export interface UnitInvoker {
  /** Loads the step and runs setup in every worker. Throws UdfLoadError / the setup error. */
  start(): Promise<void>;
  /** Runs the step on one unit (attempt is 1-based). */
  invoke(unit: UnitPayload, attempt: number, signal: AbortSignal): InvokeResult | Promise<InvokeResult>;
  /** Runs teardown in every worker and releases them. Never throws for a teardown error. */
  close(): Promise<void>;
  /** Ids of the threads that ran rows (the calling thread's id for the in-thread invoker). */
  readonly threadIds: readonly number[];
}

/** Runs units in the calling thread; setup once at start, teardown once at close. */
export class LocalInvoker implements UnitInvoker {
  private resource: unknown;
  private started = false;
  readonly threadIds: readonly number[];

  constructor(
    private readonly step: UdfStep,
    threadId: number,
  ) {
    this.threadIds = [threadId];
  }

  /** Runs the step's setup (its error propagates). */
  async start(): Promise<void> {
    const setup = this.step.options.setup;
    this.resource = setup ? await setup() : undefined;
    this.started = true;
  }

  /** Calls the function; synchronous functions stay synchronous. */
  invoke(unit: UnitPayload, attempt: number, signal: AbortSignal): InvokeResult | Promise<InvokeResult> {
    const ctx = new CallContext(this.resource, signal, attempt);
    const raw = invokeStep(this.step, unit, ctx);
    if (Array.isArray(raw)) return { outputs: raw, tokens: ctx.tokens };
    return raw.then((outputs) => ({ outputs, tokens: ctx.tokens }));
  }

  /** Runs teardown once when setup ran; a teardown error is reported on stderr, not thrown. */
  async close(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    const teardown = this.step.options.teardown as ((resource: unknown) => unknown) | undefined;
    if (!teardown) return;
    try {
      await teardown(this.resource);
    } catch (error) {
      process.emitWarning(
        `UDF teardown failed: ${(error as Error)?.message ?? String(error)}`,
        'ChainqlWarning',
      );
    }
  }
}
