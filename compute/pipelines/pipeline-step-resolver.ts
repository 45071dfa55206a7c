import { udfStepsInRunOrder } from '../chain/udf-steps.ts';
import type { PipelineStepResolver } from '../runners/bullmq-step-source.ts';
import { StepCodeMismatchError } from '../runners/runner-errors.ts';
import { stepName, UdfLoadError, udfCodeHash } from '../udf/index.ts';
import type { PipelineRegistry } from './pipeline-config.ts';
import { pipelineChain } from './run-pipeline.ts';

/**
 * How a worker finds a pipeline job's UDF step: it calls the pipeline's `run(input, ctx)` from the config
 * module it loaded (the same one the server loaded), with the job's input, and takes the UDF step at the
 * coordinator's position. Closures defined inline in `run` — also those capturing `input` — are thereby
 * the worker's own, exactly as written. Building a chain runs nothing (chains are lazy).
 * @throws UdfLoadError when the worker has no such pipeline; StepCodeMismatchError when the step there
 *   has other code than the coordinator's (a worker deployed with other code).
 */
export function pipelineStepResolver(pipelines: PipelineRegistry): PipelineStepResolver {
  return async (source, session) => {
    const known = pipelines.list().map((p) => p.name);
    if (!known.includes(source.pipeline)) {
      throw new UdfLoadError(
        `This worker's config module has no pipeline '${source.pipeline}' (it has: ${known.join(', ') || 'none'}). ` +
          'Start every `chainql worker` with the same --config (or CHAINQL_CONFIG) as the server.',
      );
    }
    const pipeline = pipelines.get(source.pipeline);
    const chain = await pipelineChain(pipeline, source.input, {
      session,
      jobId: source.jobId ?? '',
      signal: new AbortController().signal,
    });
    const steps = udfStepsInRunOrder(chain.plan);
    const found = steps[source.position]?.step;
    if (!found || udfCodeHash(found) !== source.codeHash) {
      throw StepCodeMismatchError.forStep(
        source.pipeline,
        source.position,
        source.stepName,
        found ? stepName(found) : undefined,
      );
    }
    return found;
  };
}
