import type { FieldNode } from 'graphql';

/**
 * Remembers planning work that depends only on a field's place in a query document (its selection), so a
 * query sent again skips it. Yoga parses each query text once and reuses the document, so a field node
 * object stands for "this field of this query"; `key` adds what else the plan was built for (the served
 * version, which a rebuilt schema replaces). One plan per field node: a document served under a new key
 * replaces its plan. Held weakly, so plans go with the documents the parser cache drops.
 */
export class FieldPlans<T> {
  readonly #plans = new WeakMap<FieldNode, { nodes: readonly FieldNode[]; key: object; plan: T }>();

  /** The plan for `nodes` (a field's merged field nodes) under `key`, built by `build` on a miss. */
  get(nodes: readonly FieldNode[], key: object, build: () => T): T {
    const first = nodes[0];
    if (first === undefined) return build();
    const hit = this.#plans.get(first);
    if (hit !== undefined && hit.key === key && sameNodes(hit.nodes, nodes)) return hit.plan;
    const plan = build();
    this.#plans.set(first, { nodes: [...nodes], key, plan });
    return plan;
  }
}

function sameNodes(a: readonly FieldNode[], b: readonly FieldNode[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
