/** Expression tree, builder and type checking. */

export * from './agg.ts';
export * from './aggregate-node.ts';
export * from './arithmetic-nodes.ts';
export * from './builder.ts';
export * from './column-node.ts';
export * from './column-resolver.ts';
export * from './describe.ts';
export * from './expr-errors.ts';
export * from './expr-node.ts';
export * from './expr-type.ts';
export * from './func.ts';
export * from './function-nodes.ts';
export * from './literal-node.ts';
export * from './predicate-nodes.ts';
export * from './type-check.ts';
