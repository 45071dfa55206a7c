import type { ExprNode } from '../../schema/expr/index.ts';
import type { DiffSpec } from './diff.ts';

/** How to match rows of two chains: pairs of (left path, right path). */
export interface JoinKey {
  readonly left: string;
  readonly right: string;
}

/** One ordering key of `orderBy`. Nulls default to Hasura's rule: last for asc, first for desc. */
export interface OrderKey {
  readonly expr: ExprNode;
  readonly direction: 'asc' | 'desc';
  readonly nulls?: 'first' | 'last';
}

/** A chain step that compiles to SQL. Steps are plain data: they are hashed for checkpoints. */
export type SqlStep =
  | { readonly kind: 'filter'; readonly predicate: ExprNode }
  | { readonly kind: 'select'; readonly paths: readonly string[] }
  | { readonly kind: 'selectExcept'; readonly paths: readonly string[] }
  | {
      readonly kind: 'mutate';
      readonly fields: readonly { readonly name: string; readonly expr: ExprNode }[];
    }
  | { readonly kind: 'orderBy'; readonly keys: readonly OrderKey[] }
  | { readonly kind: 'limit'; readonly count: number }
  | { readonly kind: 'offset'; readonly count: number }
  | { readonly kind: 'distinct'; readonly paths: readonly string[] }
  | {
      readonly kind: 'groupBy';
      readonly by: readonly string[];
      readonly aggregates: readonly { readonly name: string; readonly expr: ExprNode }[];
    }
  | { readonly kind: 'sample'; readonly count: number }
  | { readonly kind: 'shuffle' };

/** A step that combines this chain with another chain. `other` is the other chain's plan. */
export type BinaryStep<TPlan> =
  | {
      readonly kind: 'join';
      readonly other: TPlan;
      readonly on: readonly JoinKey[];
      readonly joinType: 'inner' | 'left' | 'full';
      readonly rightPrefix: string;
    }
  | { readonly kind: 'union'; readonly other: TPlan }
  | { readonly kind: 'subtract'; readonly other: TPlan; readonly on: readonly JoinKey[] | undefined }
  | { readonly kind: 'diff'; readonly other: TPlan; readonly spec: DiffSpec };
