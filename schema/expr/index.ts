/**
 * Expression tree, builder and type checking.
 *
 * ```ts
 * const cond = and(C('det.confidence').gt(0.9), C('det.label').in(['cat', 'dog']));
 * inferType(cond.node, columns);                       // 'boolean', or a clear error before any SQL runs
 * getCompiler('sqlite').compileExpression(cond.node);  // { sql: '(("det__confidence" > ?) AND …)', parameters: [0.9, 'cat', 'dog'] }
 * ```
 */

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
export * from './window-node.ts';
