import type { UdfStep } from '../udf/index.ts';
import type { ChainPlan } from './plan.ts';

/**
 * The chain's UDF steps in the order a run executes them: for a step with another chain (join, union, subtract, diff) the other
 * chain's steps come first (it is planned when the step is applied). A step's index in this list is its
 * position, which workers use to find the same step in a rebuilt pipeline chain.
 */
export function udfStepsInRunOrder(plan: ChainPlan): { step: UdfStep; plan: ChainPlan }[] {
  const found: { step: UdfStep; plan: ChainPlan }[] = [];
  for (const step of plan.steps) {
    if ('other' in step) {
      found.push(...udfStepsInRunOrder(step.other));
    } else if (step.kind === 'udf') {
      found.push({ step: step.udf, plan });
    }
  }
  return found;
}
