import { type ExecutionResult, type ResponsePath, responsePathAsArray } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { RowLimits } from '../graphql/query-env.ts';

/** A list field cut at the default row cap, as reported in `extensions.warnings` of the response. */
export interface RowCapWarning {
  /** Always `ROW_CAP`. */
  readonly code: 'ROW_CAP';
  /** Human-readable: which field, the cap, how to get more. */
  readonly message: string;
  /** Response path of the cut list, e.g. `['photos']` or `['photos_aggregate', 'nodes']` (aliases as sent). */
  readonly path: readonly (string | number)[];
  /** The default cap that was applied (the server's `limits.defaultLimit`). */
  readonly cap: number;
}

/**
 * The per-operation context API resolvers call after reading a capped list: when the query gave no
 * `limit` (so the default cap applied) and the list came back exactly `defaultLimit` long, more rows may
 * match than were returned, and {@link RowCapNotes.check} notes a warning for the response.
 */
export class RowCapNotes {
  readonly #warnings: RowCapWarning[] = [];

  /** @param limits the server's row limits (`defaultLimit` is the cap; `maxLimit` is named in the message). */
  constructor(private readonly limits: RowLimits) {}

  /**
   * Returns `rows` unchanged. Notes a warning for the field at `path` (`info.path`) when `limit` (the
   * field's `limit` argument) is null/undefined and `rows.length` equals the default cap.
   */
  check<T>(path: ResponsePath, rows: T[], limit: unknown): T[] {
    const cap = this.limits.defaultLimit;
    if ((limit !== undefined && limit !== null) || rows.length !== cap) return rows;
    const keys = responsePathAsArray(path);
    this.#warnings.push({
      code: 'ROW_CAP',
      message:
        `${keys.join('.')}: returned the first ${cap} rows, the default cap for a query without \`limit\`; ` +
        `more rows may match. Pass \`limit\` (at most ${this.limits.maxLimit}) and \`offset\` to page.`,
      path: keys,
      cap,
    });
    return rows;
  }

  /** The warnings noted so far, in resolver order. */
  get warnings(): readonly RowCapWarning[] {
    return this.#warnings;
  }
}

/** The context field resolvers read: `ctx.rowCap?.check(info.path, rows, args.limit) ?? rows`. */
export interface RowCapContext {
  readonly rowCap?: RowCapNotes;
}

/**
 * Row-cap warnings. A query without `limit` gets at most `limits.defaultLimit` rows per list; when a list
 * was cut there (see {@link RowCapNotes}) the response says so in `extensions.warnings`:
 * `[{ code: 'ROW_CAP', path: ['photos'], cap: 100, message }]`. Every operation of a batch gets its own.
 * @param limits the server's `defaultLimit` (the cap) and `maxLimit` (named in the message).
 */
export function useRowCapWarnings(limits: RowLimits): Plugin<RowCapContext> {
  return {
    onContextBuilding({ extendContext }) {
      extendContext({ rowCap: new RowCapNotes(limits) });
    },
    onExecute({ args }) {
      const notes = (args.contextValue as RowCapContext).rowCap;
      return {
        onExecuteDone({ result, setResult }) {
          if (notes === undefined || notes.warnings.length === 0 || !isSingleResult(result)) return;
          const extensions = result.extensions ?? {};
          const previous = Array.isArray(extensions.warnings) ? (extensions.warnings as unknown[]) : [];
          setResult({
            ...result,
            extensions: { ...extensions, warnings: [...previous, ...notes.warnings] },
          });
        },
      };
    },
  };
}

function isSingleResult(result: unknown): result is ExecutionResult {
  return typeof result === 'object' && result !== null && !(Symbol.asyncIterator in result);
}
