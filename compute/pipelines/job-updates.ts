import { EventEmitter } from 'node:events';
import { FINAL_STATUSES, type Job } from './job.ts';

/**
 * Turns "job changed" notifications (and a periodic re-read, for changes made elsewhere) into an async
 * iterator of snapshots: the current one first, then each different one, ending after a final status.
 */
export async function* jobUpdates(
  id: string,
  read: (id: string) => Promise<Job>,
  changes: EventEmitter | undefined,
  pollMs = 500,
): AsyncGenerator<Job> {
  let last = '';
  let wake: (() => void) | undefined;
  const onChange = (changed: string) => {
    if (changed === id) wake?.();
  };
  changes?.on('change', onChange);
  try {
    while (true) {
      const job = await read(id);
      const text = JSON.stringify(job);
      if (text !== last) {
        last = text;
        yield job;
      }
      if (FINAL_STATUSES.includes(job.status)) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    changes?.off('change', onChange);
  }
}

/** An emitter of `change` events carrying a job id, without a listener limit. */
export function jobChangeEmitter(): EventEmitter {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return emitter;
}
