import { createHash } from 'node:crypto';
import type { Session } from '../session.ts';
import { udfSourceText } from '../udf/index.ts';
import type { ChainPlan, PlanStep } from './plan.ts';
import { stableJson } from './stable-json.ts';

/** The hash after one more step: sha256(previous hash, the step's parameters or UDF source text). */
export async function nextHash(previous: string, step: PlanStep, session: Session): Promise<string> {
  let described: unknown;
  switch (step.kind) {
    case 'join':
    case 'union':
    case 'subtract':
    case 'diff':
      described = { ...step, other: await chainHash(step.other, session) };
      break;
    case 'udf':
      described = { kind: 'udf', udf: udfSourceText(step.udf) };
      break;
    default:
      described = step;
  }
  return createHash('sha256').update(previous).update('\n').update(stableJson(described)).digest('hex');
}

/** The hash of the source alone. */
export async function sourceHash(plan: ChainPlan, session: Session): Promise<string> {
  return createHash('sha256')
    .update(await plan.source.identity(session))
    .digest('hex');
}

/**
 * The chain hash: source identity + every step's parameters + each UDF's source text, chained step by
 * step (so the hash of a prefix is the checkpoint key of the step after it). Settings are not part of it.
 * Equal hashes mean the same output; `save` uses it to return an existing version instantly.
 */
export async function chainHash(plan: ChainPlan, session: Session): Promise<string> {
  let hash = await sourceHash(plan, session);
  for (const step of plan.steps) hash = await nextHash(hash, step, session);
  return hash;
}
