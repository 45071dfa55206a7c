import { createHash, type Hash } from 'node:crypto';

/** Rows of text collected before handing them to sha256 (bounds the pending string). */
const ROWS_PER_UPDATE = 2048;

/**
 * A sha256 over encoded rows (the values a warehouse stores: numbers, strings, bigints, null, and for
 * ClickHouse native arrays/maps plain JS arrays/objects), fed row by row while they are written.
 *
 * Every value becomes a self-delimiting token — null `~`, number `<String(n)>;` (`-0;` kept apart
 * from `0;`), bigint `<n>#`, string `<length>"<text>`, boolean `T`/`F`, anything else `<length>{<JSON>`
 * — so two different rows of the same width never give the same text. Rows have the width of the
 * schema, which callers hash in first; the row count is hashed by `digest()`.
 * Much cheaper than serialising the input objects: the values are already primitive.
 */
export class EncodedDigest {
  readonly #hash: Hash;
  #pending = '';
  #pendingRows = 0;
  #rows = 0;

  /** @param prefix text hashed first (e.g. the schema's stable JSON). */
  constructor(prefix: string) {
    this.#hash = createHash('sha256').update(prefix).update('\n');
  }

  /** Adds one row: the values of `row` from index `from` (skipping leading system values) to its end. */
  add(row: readonly unknown[], from = 0): void {
    let text = this.#pending;
    for (let i = from; i < row.length; i++) {
      const v = row[i];
      switch (typeof v) {
        case 'string':
          text += `${v.length}"${v}`;
          break;
        case 'number':
          text += v === 0 && 1 / v < 0 ? '-0;' : `${v};`;
          break;
        case 'bigint':
          text += `${v}#`;
          break;
        case 'boolean':
          text += v ? 'T' : 'F';
          break;
        default:
          if (v === null || v === undefined) text += '~';
          else {
            const json = JSON.stringify(v, (_key, inner: unknown) =>
              typeof inner === 'bigint' ? `${inner}n` : inner,
            );
            text += `${json.length}{${json}`;
          }
      }
    }
    this.#pending = text;
    this.#rows++;
    if (++this.#pendingRows >= ROWS_PER_UPDATE) this.#flush();
  }

  /** The hex digest over everything added (and the row count). Call once. */
  digest(): string {
    this.#flush();
    return this.#hash.update(`\n${this.#rows}`).digest('hex');
  }

  #flush(): void {
    if (this.#pending.length > 0) this.#hash.update(this.#pending);
    this.#pending = '';
    this.#pendingRows = 0;
  }
}
