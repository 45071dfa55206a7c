import { createHash } from 'node:crypto';
import { z } from 'zod';
import { fromZod } from '../../schema/record/index.ts';
import { stableJson } from '../../schema/stable-json.ts';
import { describeChain } from '../chain/describe-chain.ts';
import type { ChainPlan } from '../chain/plan.ts';
import { nextHash } from '../chain/step-hash.ts';
import type { Session } from '../session.ts';
import type { DeltaSource, ResolvedDelta } from './delta-options.ts';

/** The two identities a delta save compares with the previous version's. */
export interface DeltaHashes {
  /**
   * The chain hash with the source's content version left out: source structure (URIs and glob, or
   * dataset name), the planned result schema, the delta key/compare fields, every step's parameters,
   * each UDF's source text and the full hash of every joined chain. Equal means "made by this chain".
   */
  readonly deltaHash: string;
  /** Like `deltaHash`, but a UDF counts only by kind and output shape: equal while `deltaHash` differs = UDF code changed. */
  readonly shapeHash: string;
}

function sha(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\n');
  return hash.digest('hex');
}

/** Computes {@link DeltaHashes} of a plan whose source is a delta source. */
export async function deltaHashes(
  plan: ChainPlan,
  source: DeltaSource,
  delta: ResolvedDelta,
  session: Session,
): Promise<DeltaHashes> {
  const seed = sha(
    source.deltaIdentity(),
    stableJson({ on: delta.on, compare: delta.compare, resultOn: delta.resultOn }),
    stableJson(await describeChain(plan, session)),
  );
  let deltaHash = seed;
  let shapeHash = seed;
  for (const step of plan.steps) {
    deltaHash = await nextHash(deltaHash, step, session);
    shapeHash =
      step.kind === 'udf'
        ? sha(shapeHash, stableJson({ udf: step.udf.kind, output: fromZod(z.object(step.udf.outputShape)) }))
        : await nextHash(shapeHash, step, session);
  }
  return { deltaHash, shapeHash };
}
