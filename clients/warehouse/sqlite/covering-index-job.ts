/** One covering-index build handed to covering-index-worker.ts, and what it reports back. */
export interface CoveringIndexJob {
  /** The database file. */
  readonly path: string;
  /** Index name (for the size query). */
  readonly name: string;
  /** `CREATE INDEX IF NOT EXISTS …` (identifiers quoted by the advisor; no values). */
  readonly sql: string;
  readonly busyTimeoutMs: number;
}

/** Build time and on-disk size of a built index, or the engine's message. */
export type CoveringIndexOutcome =
  | { readonly ok: true; readonly ms: number; readonly bytes: number }
  | { readonly ok: false; readonly message: string };
