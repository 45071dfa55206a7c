import type { Chain } from '../chain/chain.ts';
import { withDelta } from '../delta/delta-chain.ts';
import type { DatasetVersion } from '../registry/dataset-registry.ts';
import type { StepRunner } from '../runners/step-runner.ts';
import type { Session } from '../session.ts';
import type { ProgressEvent } from '../udf/index.ts';
import type { JobError, JobOutput, JobProgress } from './job.ts';
import { outputName, type Pipeline, type PipelineContext } from './pipeline.ts';

/** How a job runs its pipeline. */
export interface PipelineRunOptions {
  readonly session: Session;
  readonly jobId: string;
  readonly signal: AbortSignal;
  /** Runner for the chain's UDF steps (default: whatever the chain's settings resolve to). */
  readonly runner?: StepRunner;
  /** What an earlier start of this job showed (a restart or resume): progress never reports less. */
  readonly shown?: Pick<JobProgress, 'done' | 'total'>;
  onProgress(progress: JobProgress): void;
}

/**
 * Builds the pipeline's chain for a parsed input and saves it as a new version of its output dataset,
 * with the job's signal, progress listener and runner merged into the chain's settings. Re-running
 * (resume) continues from the UDF checkpoints; a finished save with the same chain hash returns the
 * existing version.
 */
export async function runPipeline(
  pipeline: Pipeline,
  input: unknown,
  options: PipelineRunOptions,
): Promise<JobOutput> {
  const { session, jobId, signal } = options;
  const chain = await pipelineChain(pipeline, input, { session, jobId, signal });
  const onProgress = jobProgress(options.onProgress, options.shown);
  const version: DatasetVersion = await chain
    .session(session)
    .settings({
      signal,
      onProgress,
      // Lets workers rebuild this chain from the config module (inline UDFs run there as written).
      pipeline: { name: pipeline.name, input, jobId },
      ...(options.runner ? { runner: options.runner } : {}),
    })
    .save(outputName(pipeline, input), pipeline.save ?? {});
  return { dataset: version.name, version: version.version };
}

/**
 * The chain a pipeline runs for an input: its `run(input, ctx)`, read incrementally when the pipeline is
 * declared `delta`. Workers rebuild a job's chain with this same function, so both see the same steps.
 */
export async function pipelineChain(
  pipeline: Pipeline,
  input: unknown,
  context: PipelineContext,
): Promise<Chain> {
  const built = await pipeline.run(input, context);
  return pipeline.delta ? withDelta(built, pipeline.delta === true ? {} : pipeline.delta) : built;
}

/**
 * Turns the UDF steps' events into job progress that never goes back: `done` sums the rows committed in
 * every step started so far, counting rows committed by earlier runs of the job (the `committed` of a
 * step's `started` event), so a restarted job continues from where it was; `total` grows as steps start.
 * A restarted job first counts its finished steps alone, so what an earlier start showed (`shown`) is the floor
 * of both numbers until the new counts pass it.
 */
export function jobProgress(
  report: (progress: JobProgress) => void,
  shown: Pick<JobProgress, 'done' | 'total'> = { done: 0, total: 0 },
): (event: ProgressEvent) => void {
  let finished = { done: 0, total: 0 };
  let step = { committed: 0, done: 0, total: 0 };
  let rate = 0;
  const emit = () =>
    report({
      done: Math.max(shown.done, finished.done + step.committed + step.done),
      total: Math.max(shown.total, finished.total + step.total),
      rate: Math.round(rate * 10) / 10,
    });
  return (event) => {
    if (event.type === 'started') {
      finished = { done: finished.done + step.committed + step.done, total: finished.total + step.total };
      const committed = event.committed ?? 0;
      step = { committed, done: 0, total: committed + (event.total ?? 0) };
      rate = 0;
      emit();
    } else if (event.type === 'batchCommitted') {
      step = { ...step, done: Math.max(step.done, event.done) };
      rate = event.rate;
      emit();
    }
  };
}

/** The error a job shows: the coded error's code and message, or INTERNAL. */
export function jobError(error: unknown): JobError {
  const coded = error as { code?: unknown; message?: unknown };
  return {
    code: typeof coded?.code === 'string' ? coded.code : 'INTERNAL',
    message: typeof coded?.message === 'string' ? coded.message : String(error),
  };
}
