import { withDelta } from '../delta/delta-chain.ts';
import type { DatasetVersion } from '../registry/dataset-registry.ts';
import type { StepRunner } from '../runners/step-runner.ts';
import type { Session } from '../session.ts';
import type { ProgressEvent } from '../udf/index.ts';
import type { JobError, JobOutput, JobProgress } from './job.ts';
import { outputName, type Pipeline } from './pipeline.ts';

/** How a job runs its pipeline. */
export interface PipelineRunOptions {
  readonly session: Session;
  readonly jobId: string;
  readonly signal: AbortSignal;
  /** Runner for the chain's UDF steps (default: whatever the chain's settings resolve to). */
  readonly runner?: StepRunner;
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
  const built = await pipeline.run(input, { session, jobId, signal });
  const chain = pipeline.delta ? withDelta(built, pipeline.delta === true ? {} : pipeline.delta) : built;
  const onProgress = (event: ProgressEvent) => {
    if (event.type === 'started') options.onProgress({ done: 0, total: event.total ?? 0, rate: 0 });
    if (event.type === 'batchCommitted') {
      options.onProgress({
        done: event.done,
        total: event.total ?? 0,
        rate: Math.round(event.rate * 10) / 10,
      });
    }
  };
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

/** The error a job shows: the coded error's code and message, or INTERNAL. */
export function jobError(error: unknown): JobError {
  const coded = error as { code?: unknown; message?: unknown };
  return {
    code: typeof coded?.code === 'string' ? coded.code : 'INTERNAL',
    message: typeof coded?.message === 'string' ? coded.message : String(error),
  };
}
