import { setMaxListeners } from 'node:events';
import type { Plugin } from 'graphql-yoga';
import { QueryTimeoutError } from '../server-errors.ts';

/**
 * Per-query timeout. Each GraphQL operation gets an `AbortSignal` in its context (`signal`) that aborts
 * with a `QueryTimeoutError` (code TIMEOUT) after `timeoutMs`; resolvers pass it to the read pool, which
 * interrupts the running SQLite statement by terminating its worker thread. 0 disables the timeout.
 */
export function useTimeout(timeoutMs: number): Plugin<{ signal?: AbortSignal }> {
  return {
    onContextBuilding({ context }) {
      if (timeoutMs <= 0) return;
      // Armed on first use: a request whose resolvers never ask for the signal (point lookups, the
      // schema) pays for no controller and no timer. The deadline still counts from here.
      const startedAt = Date.now();
      let armed: { controller: AbortController; timer: NodeJS.Timeout } | undefined;
      const arm = () => {
        const controller = new AbortController();
        // Every read of the operation listens to this one signal (root fields, ranges of a split read).
        setMaxListeners(0, controller.signal);
        const left = Math.max(0, timeoutMs - (Date.now() - startedAt));
        const timer = setTimeout(() => controller.abort(new QueryTimeoutError(timeoutMs)), left);
        timer.unref();
        return { controller, timer };
      };
      Object.defineProperty(context, 'signal', {
        configurable: true,
        enumerable: true,
        get: () => {
          armed ??= arm();
          return armed.controller.signal;
        },
      });
      Object.defineProperty(context, 'clearTimeout', {
        configurable: true,
        value: () => {
          if (armed) clearTimeout(armed.timer);
        },
      });
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
