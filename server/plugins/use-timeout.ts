import type { Plugin } from 'graphql-yoga';
import { QueryTimeoutError } from '../server-errors.ts';

/**
 * Per-query timeout. Each GraphQL operation gets an `AbortSignal` in its context (`signal`) that aborts
 * with a `QueryTimeoutError` (code TIMEOUT) after `timeoutMs`; resolvers pass it to the read pool, which
 * interrupts the running SQLite statement by terminating its worker thread. 0 disables the timeout.
 */
export function useTimeout(timeoutMs: number): Plugin<{ signal?: AbortSignal }> {
  return {
    onContextBuilding({ extendContext }) {
      if (timeoutMs <= 0) return;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new QueryTimeoutError(timeoutMs)), timeoutMs);
      timer.unref();
      extendContext({ signal: controller.signal, clearTimeout: () => clearTimeout(timer) } as {
        signal: AbortSignal;
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
