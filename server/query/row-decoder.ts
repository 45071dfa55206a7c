import type { LeafModel, ObjectModel } from '../model/dataset-model.ts';
import { decodeValue } from './value-codec.ts';

/**
 * Rehydrates flat result rows (one aliased column per selected leaf) into nested objects keyed by the
 * original field names, which is what the generated object types' resolvers read. A nullable object
 * whose selected leaves are all NULL becomes `null` (the warehouse stores a null object as NULL leaves).
 */

/** Key under which decoded rows carry the row id (a symbol: it cannot collide with a field name). */
export const ID_KEY: unique symbol = Symbol('chainql.id');
/** Key under which nearest-neighbour rows carry their distance. */
export const DISTANCE_KEY: unique symbol = Symbol('chainql.distance');

type PlanEntry =
  | { readonly kind: 'leaf'; readonly name: string; readonly leaf: LeafModel; readonly alias: string }
  | { readonly kind: 'object'; readonly name: string; readonly plan: DecodePlan };

/** Precomputed decoding steps for one selection. */
export interface DecodePlan {
  readonly nullable: boolean;
  readonly entries: readonly PlanEntry[];
}

/** Builds the plan for `leaves` (each read under `aliasOf(leaf)`) inside `object`. */
export function decodePlan(
  object: ObjectModel,
  leaves: ReadonlySet<LeafModel>,
  aliasOf: (leaf: LeafModel) => string,
): DecodePlan {
  const entries: PlanEntry[] = [];
  for (const f of object.fields) {
    if (f.kind === 'leaf') {
      if (leaves.has(f)) entries.push({ kind: 'leaf', name: f.name, leaf: f, alias: aliasOf(f) });
    } else {
      const plan = decodePlan(f, leaves, aliasOf);
      if (plan.entries.length > 0) entries.push({ kind: 'object', name: f.name, plan });
    }
  }
  return { nullable: object.nullable, entries };
}

/** Decodes one raw row with a plan; returns `null` for a nullable object with only NULL leaves. */
export function decodeRow(
  plan: DecodePlan,
  raw: Readonly<Record<string, unknown>>,
): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  let present = false;
  for (const e of plan.entries) {
    const value = e.kind === 'leaf' ? decodeValue(e.leaf.type, raw[e.alias]) : decodeRow(e.plan, raw);
    if (value !== null) present = true;
    out[e.name] = value;
  }
  return plan.nullable && plan.entries.length > 0 && !present ? null : out;
}
