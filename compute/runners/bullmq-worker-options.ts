import { RunnerConfigError } from './runner-errors.ts';

/** Default BullMQ queue of partition jobs. */
export const DEFAULT_QUEUE = 'chainql-partitions';

/**
 * Lock and stall settings shared by workers. A worker renews its job locks every `lockDuration / 2`;
 * when a worker dies (kill -9) its lock expires after at most `lockDuration`, and the next stall check
 * of any live worker (every `stalledInterval`) moves the partition back to the queue: recovery takes
 * at most about `lockDuration + stalledInterval`. Committed batches stay committed (the done table), so
 * the next attempt only processes the rest of the partition.
 */
export interface StallSettings {
  /** Lock time of a partition in ms. Default 6000 (BullMQ's own default is 30000). */
  readonly lockDuration?: number;
  /** Stall check period in ms. Default 3000. */
  readonly stalledInterval?: number;
  /** Times a partition may stall before it fails for good. Default 5. */
  readonly maxStalledCount?: number;
}

/** Resolved stall settings. */
export type ResolvedStallSettings = Required<StallSettings>;

/**
 * Fills defaults and validates.
 * @throws RunnerConfigError for non-positive values or a stall check slower than the lock.
 */
export function resolveStallSettings(settings: StallSettings = {}): ResolvedStallSettings {
  const resolved = {
    lockDuration: settings.lockDuration ?? 6000,
    stalledInterval: settings.stalledInterval ?? 3000,
    maxStalledCount: settings.maxStalledCount ?? 5,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < (name === 'maxStalledCount' ? 0 : 100)) {
      throw new RunnerConfigError(
        `${name} must be an integer ≥ ${name === 'maxStalledCount' ? 0 : 100}, got ${value}.`,
      );
    }
  }
  return resolved;
}

/**
 * Validates a concurrency value (partitions processed at once by one worker process).
 * @throws RunnerConfigError unless it is an integer ≥ 1.
 */
export function checkWorkerConcurrency(value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RunnerConfigError(
      `Worker concurrency must be an integer ≥ 1 (partitions at once), got ${String(value)}.`,
    );
  }
  return value;
}
