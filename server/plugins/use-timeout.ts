import { setMaxListeners } from 'node:events';
import type { Plugin } from 'graphql-yoga';
import { QueryTimeoutError } from '../server-errors.ts';

/**
 * One operation's deadline. Armed on first use: a request whose resolvers never ask for the signal (point
 * lookups, the schema) pays for no controller and no timer. The deadline still counts from the context's creation.
 */
class OperationDeadline {
  #controller: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly startedAt: number,
    private readonly timeoutMs: number,
  ) {}

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      // Every read of the operation listens to this one signal (root fields, ranges of a split read).
      setMaxListeners(0, controller.signal);
      const left = Math.max(0, this.timeoutMs - (Date.now() - this.startedAt));
      this.#timer = setTimeout(() => controller.abort(new QueryTimeoutError(this.timeoutMs)), left);
      this.#timer.unref();
      this.#controller = controller;
    }
    return this.#controller.signal;
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}

const DEADLINE = Symbol('chainql.deadline');
type WithDeadline = { [DEADLINE]?: OperationDeadline };

// Shared descriptors (`this` is the context): building a context allocates one deadline and no closures.
const SIGNAL: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get(this: WithDeadline) {
    return this[DEADLINE]?.signal;
  },
};
const CLEAR: PropertyDescriptor = {
  configurable: true,
  value(this: WithDeadline) {
    this[DEADLINE]?.clear();
  },
};

/**
 * Per-query timeout. Each GraphQL operation gets an `AbortSignal` in its context (`signal`) that aborts
 * with a `QueryTimeoutError` (code TIMEOUT) after `timeoutMs`; resolvers pass it to the read pool, which
 * interrupts the running SQLite statement by terminating its worker thread. 0 disables the timeout.
 */
export function useTimeout(timeoutMs: number): Plugin<{ signal?: AbortSignal }> {
  return {
    onContextBuilding({ context }) {
      if (timeoutMs <= 0) return;
      Object.defineProperty(context, DEADLINE, { value: new OperationDeadline(Date.now(), timeoutMs) });
      Object.defineProperty(context, 'signal', SIGNAL);
      Object.defineProperty(context, 'clearTimeout', CLEAR);
    },
    onExecute({ args }) {
      return {
        onExecuteDone() {
          (args.contextValue as { clearTimeout?: () => void }).clearTimeout?.();
        },
      };
    },
  };
}
