/** One read sent to a read thread (see read-worker.ts): plain data, so it crosses the thread boundary. */
export interface ReadTask {
  /** The database file. */
  readonly path: string;
  readonly sql: string;
  /** Bindable parameters (numbers, bigints, strings, Buffers, null). */
  readonly parameters: readonly unknown[];
  /** Read integers as bigint. */
  readonly bigints: boolean;
}
