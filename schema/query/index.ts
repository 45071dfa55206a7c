/** Query nodes. */
export * from './query-node.ts';
