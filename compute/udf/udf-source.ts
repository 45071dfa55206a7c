import { createHash } from 'node:crypto';
import { z } from 'zod';
import { stableJson } from '../../schema/stable-json.ts';
import type { UdfStep } from './udf-step.ts';

/**
 * The text that identifies a UDF step for checkpoints: hashed by the chain, so changing the body,
 * setup, teardown, output shape or any option starts the step over. Contains the kind, the function
 * source (`fn.toString()`), setup/teardown sources, the output shape as JSON Schema and the options
 * (retries, rateLimit, onError, rowsPerCall, partitionBy) as JSON. Deterministic for a given step.
 */
export function udfSourceText(step: UdfStep): string {
  const { setup, teardown, name: _name, ...plainOptions } = step.options;
  const parts = [
    `kind:${step.kind}`,
    `fn:${step.fn.toString()}`,
    `setup:${setup ? setup.toString() : ''}`,
    `teardown:${teardown ? teardown.toString() : ''}`,
    `output:${shapeJson(step)}`,
    `options:${stableJson(plainOptions)}`,
  ];
  if (step.kind === 'agg') parts.push(`partitionBy:${step.partitionBy.join(',')}`);
  return parts.join('\n');
}

const shapeCache = new WeakMap<object, string>();

function shapeJson(step: UdfStep): string {
  const cached = shapeCache.get(step.outputShape);
  if (cached !== undefined) return cached;
  const json = stableJson(
    z.toJSONSchema(z.object(step.outputShape), { unrepresentable: 'any', io: 'input' }),
  );
  shapeCache.set(step.outputShape, json);
  return json;
}

/**
 * sha256 (hex) of {@link udfSourceText}: the code identity of a step. A worker that rebuilds a
 * pipeline's chain compares it with the coordinator's to be sure it runs the same code.
 */
export function udfCodeHash(step: UdfStep): string {
  return createHash('sha256').update(udfSourceText(step)).digest('hex');
}
