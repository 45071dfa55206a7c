import type { ProgressEvent, UdfKind } from '../udf/index.ts';

/** Per-partition counters a worker reports (`job.updateProgress`). */
export interface PartitionCounters {
  readonly done: number;
  readonly outputs?: number;
  readonly errors?: number;
}

/**
 * Sums the progress of a distributed step run over its partitions and turns it into the UDF engine's
 * typed events (`started`, `batchCommitted` with totals over all partitions, `finished`), so callers
 * see the same events whichever runner ran the step.
 */
export class RunProgress {
  private readonly partitions = new Map<string, PartitionCounters>();
  private readonly startedAt = Date.now();
  private done = 0;
  private outputs = 0;
  private errors = 0;

  constructor(
    private readonly step: string,
    private readonly total: number,
    private readonly listener: ((event: ProgressEvent) => void) | undefined,
  ) {}

  /**
   * Records rows of a partition committed before this coordinator started watching (a re-attached run),
   * so later reports from that partition only add what is new (they are not counted as this run's).
   */
  seed(partitionId: string, done: number): void {
    if (done <= 0) return;
    this.partitions.set(partitionId, { done, outputs: 0, errors: 0 });
  }

  /** Emits the `started` event. */
  start(kind: UdfKind, settings: { concurrency: number; parallel: number; batchSize: number }): void {
    this.emit({ type: 'started', step: this.step, kind, total: this.total, ...settings });
  }

  /** Records a partition's counters (monotonic per partition) and emits `batchCommitted` when rows moved. */
  update(partitionId: string, counters: PartitionCounters): void {
    const before = this.partitions.get(partitionId) ?? { done: 0, outputs: 0, errors: 0 };
    if (counters.done <= before.done) return;
    const rows = counters.done - before.done;
    const outputs = Math.max(0, (counters.outputs ?? 0) - (before.outputs ?? 0));
    const errors = Math.max(0, (counters.errors ?? 0) - (before.errors ?? 0));
    this.partitions.set(partitionId, {
      done: counters.done,
      outputs: counters.outputs ?? before.outputs ?? 0,
      errors: counters.errors ?? before.errors ?? 0,
    });
    this.done += rows;
    this.outputs += outputs;
    this.errors += errors;
    const elapsedMs = Date.now() - this.startedAt;
    this.emit({
      type: 'batchCommitted',
      step: this.step,
      rows,
      outputs,
      errors,
      done: this.done,
      total: this.total,
      rate: elapsedMs > 0 ? (this.done * 1000) / elapsedMs : 0,
      elapsedMs,
    });
  }

  /** Emits the `finished` event. */
  finish(status: 'succeeded' | 'failed' | 'aborted'): void {
    const elapsedMs = Date.now() - this.startedAt;
    this.emit({
      type: 'finished',
      step: this.step,
      status,
      done: this.done,
      outputs: this.outputs,
      errors: this.errors,
      elapsedMs,
      rate: elapsedMs > 0 ? (this.done * 1000) / elapsedMs : 0,
    });
  }

  private emit(event: ProgressEvent): void {
    try {
      this.listener?.(event);
    } catch {
      // A listener's failure must not fail the run (same rule as the UDF executor).
    }
  }
}
