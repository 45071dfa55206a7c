/** chainql schema layer: errors, expressions, queries, dialect compilers, typed records. */

export * from './dialect/index.ts';
export * from './errors.ts';
export * from './expr/index.ts';
export * from './query/index.ts';
export * from './record/index.ts';
