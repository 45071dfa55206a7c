/**
 * What a delta-enabled `save()` did, given to `settings({ onDelta })` (default: one line on stderr).
 * - `delta`: the previous version was reused; `processed` source rows went through the chain.
 * - `full`: the whole source went through the chain; `reason` says why (first run, UDF code changed, …).
 * - `unchanged`: nothing to do; the previous version was returned.
 */
export type DeltaReport =
  | {
      readonly mode: 'delta';
      readonly dataset: string;
      /** `name@version` of the version the unchanged rows were taken from. */
      readonly previous: string;
      /** Source rows run through the chain (new, changed, retried). */
      readonly processed: number;
      /** Rows of the previous version kept as they were. */
      readonly kept: number;
      /** Rows of the previous version dropped (their source row disappeared, changed or is retried). */
      readonly dropped: number;
    }
  | {
      readonly mode: 'full';
      readonly dataset: string;
      readonly reason: DeltaFullReason;
      /** Human-readable explanation, as logged. */
      readonly message: string;
    }
  | { readonly mode: 'unchanged'; readonly dataset: string; readonly previous: string };

/** Why a delta-enabled save ran the whole source. */
export type DeltaFullReason =
  | 'first-run'
  | 'not-delta'
  | 'udf-code-changed'
  | 'chain-changed'
  | 'snapshot-missing'
  | 'force';
