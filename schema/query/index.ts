/** Query nodes. */
export * from './distinct-on.ts';
export * from './query-node.ts';
