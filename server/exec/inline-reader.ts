import { ReadConnections } from './read-connections.ts';
import type { ReadExecutor } from './read-pool.ts';
import type { ReadTask } from './read-worker.ts';

/**
 * Runs statements on the calling (main) thread with its own read-only connection. Only for point lookups
 * bounded by a unique index (`_by_pk`): they take microseconds, so they cannot stall the server the way a
 * scan could, and skipping the worker-thread round trip removes most of their latency. Every other read
 * still goes to the worker pool.
 */
export function createInlineReader(): ReadExecutor {
  const connections = new ReadConnections();
  return {
    async read(task: ReadTask): Promise<Record<string, unknown>[]> {
      return connections.run(task);
    },
    async close(): Promise<void> {
      connections.close();
    },
  };
}
