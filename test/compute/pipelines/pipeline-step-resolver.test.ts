/**
 * How a worker finds a pipeline job's UDF step: it rebuilds the chain from its own config module and takes
 * the step at the coordinator's position — a closure over `input` included — or refuses with a coded error
 * naming the pipeline and the step when its code differs from the coordinator's.
 */

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readRecords } from '../../../compute/index.ts';
import { definePipeline, PipelineRegistry, pipelineStepResolver } from '../../../compute/pipelines/index.ts';
import { stepSource } from '../../../compute/runners/bullmq-step-source.ts';
import { StepCodeMismatchError } from '../../../compute/runners/index.ts';
import { UdfLoadError } from '../../../compute/udf/index.ts';
import { tempSession } from '../../helpers/temp-session.ts';

const Row = z.object({ n: z.int() });
const input = z.object({ factor: z.int() });

/** A pipeline of two inline UDFs; the second captures `input.factor` and adds `offset`. */
function scale(offset: number) {
  return definePipeline({
    name: 'scale',
    input,
    output: 'scaled',
    run: (parsed, ctx) =>
      readRecords([{ n: 1 }, { n: 2 }], Row, { session: ctx.session })
        .map({ sq: z.int() }, (row) => ({ sq: row.n * row.n }))
        .map(
          { scaled: z.int() },
          offset === 0
            ? (row) => ({ scaled: row.n * parsed.factor })
            : (row) => ({ scaled: row.n * parsed.factor + 1 }),
        ),
  });
}

async function coordinatorSource(position: number) {
  const session = await tempSession();
  try {
    const chain = await scale(0).run(
      { factor: 3 },
      { session, jobId: 'j1', signal: new AbortController().signal },
    );
    const udfs = chain.plan.steps.flatMap((step) => (step.kind === 'udf' ? [step.udf] : []));
    return await stepSource(udfs[position]!, {
      position,
      pipeline: { name: 'scale', input: { factor: 3 }, jobId: 'j1' },
    });
  } finally {
    await session.cleanup();
  }
}

describe('pipelineStepResolver (workers rebuild pipeline chains)', () => {
  it('finds the input-capturing step at its position, bound to the job input', async () => {
    const session = await tempSession();
    try {
      const source = await coordinatorSource(1);
      expect(source).toMatchObject({ kind: 'pipeline', pipeline: 'scale', position: 1 });
      const step = await pipelineStepResolver(new PipelineRegistry([scale(0)]))(source as never, session);
      expect(step.kind).toBe('map');
      const fn = step.fn as (row: { n: number }) => { scaled: number };
      expect(fn({ n: 5 })).toEqual({ scaled: 15 });
    } finally {
      await session.cleanup();
    }
  });

  it('refuses other code at that position with STEP_CODE_MISMATCH naming the pipeline and the step', async () => {
    const session = await tempSession();
    try {
      const source = await coordinatorSource(1);
      const error = await pipelineStepResolver(new PipelineRegistry([scale(1)]))(
        source as never,
        session,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StepCodeMismatchError);
      expect((error as StepCodeMismatchError).code).toBe('STEP_CODE_MISMATCH');
      expect((error as Error).message).toContain("Pipeline 'scale', UDF step 2");
      expect((error as Error).message).toMatch(/same config module/);
    } finally {
      await session.cleanup();
    }
  });

  it('a worker without the pipeline says to start it with the same --config', async () => {
    const session = await tempSession();
    try {
      const source = await coordinatorSource(0);
      const error = await pipelineStepResolver(new PipelineRegistry([]))(source as never, session).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UdfLoadError);
      expect((error as Error).message).toMatch(/no pipeline 'scale'.*--config/);
    } finally {
      await session.cleanup();
    }
  });
});
