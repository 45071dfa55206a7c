import { EnvelopArmor } from '@escape.tech/graphql-armor';
import type { Plugin } from 'graphql-yoga';

/** Static query limits enforced before execution (graphql-armor). */
export interface QueryShapeLimits {
  /** Deepest field nesting. Default 15 (a 3-level nested aggregate needs ~7). */
  readonly maxDepth: number;
  /** Aliases per operation. Default 30. */
  readonly maxAliases: number;
  /** Tokens per document. Default 5000. */
  readonly maxTokens: number;
  /** graphql-armor cost (objects × depth factor). Default 20000. */
  readonly maxCost: number;
  /** Directives per operation. Default 50. */
  readonly maxDirectives: number;
  /**
   * Operations per batched request (a JSON array of operations); 0 turns batching off. Default 10.
   * A batch's operations also share one `maxTokens` budget (see use-batch-limits.ts).
   */
  readonly maxBatchSize: number;
}

export const DEFAULT_SHAPE_LIMITS: QueryShapeLimits = {
  maxDepth: 15,
  maxAliases: 30,
  maxTokens: 5000,
  maxCost: 20_000,
  maxDirectives: 50,
  maxBatchSize: 10,
};

/**
 * Depth, alias, token, directive and cost limits via @escape.tech/graphql-armor. Violations are
 * validation errors (`extensions.code` GRAPHQL_VALIDATION_FAILED / BAD_USER_INPUT) and nothing runs.
 * Field suggestions stay on: the schema is public to any caller who may query it.
 */
export function useLimits(limits: QueryShapeLimits = DEFAULT_SHAPE_LIMITS): Plugin[] {
  const armor = new EnvelopArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    maxTokens: { n: limits.maxTokens },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: false },
  });
  return armor.protect().plugins as Plugin[];
}
