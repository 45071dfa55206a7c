import type { BatchCommit, ProgressEvent, UdfInputRow } from '../../../compute/udf/index.ts';

/** Input rows `{ id: i + 1, row: { x: i } }` as an async stream. */
export async function* numberRows(count: number, delayEveryMs = 0): AsyncGenerator<UdfInputRow> {
  for (let i = 0; i < count; i++) {
    if (delayEveryMs > 0) await new Promise((resolve) => setTimeout(resolve, delayEveryMs));
    yield { id: i + 1, row: { x: i } };
  }
}

/** A commit callback that records batches (like a warehouse transaction would persist them). */
export function recordingCommit(delayMs = 0): {
  batches: BatchCommit[];
  commit: (batch: BatchCommit) => Promise<void>;
  committedIds: () => number[];
} {
  const batches: BatchCommit[] = [];
  return {
    batches,
    commit: async (batch) => {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      batches.push(batch);
    },
    committedIds: () => batches.flatMap((b) => b.inputIds),
  };
}

/** Collects progress events. */
export function progressLog(): { events: ProgressEvent[]; onProgress: (e: ProgressEvent) => void } {
  const events: ProgressEvent[] = [];
  return { events, onProgress: (e) => events.push(e) };
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
