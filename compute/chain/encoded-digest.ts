import { createHash, type Hash } from 'node:crypto';
import { stableJson } from './stable-json.ts';

/** Values buffered before they are handed to sha256. */
const BUFFERED_VALUES = 16_384;

const NULL = 0;
const STRING = 1;
const NUMBER = 2;
const BIGINT = 3;
const TRUE = 4;
const FALSE = 5;
const OTHER = 6;

/**
 * A sha256 over encoded rows (the values a warehouse stores: numbers, strings, bigints, null, and for
 * ClickHouse native arrays/maps plain JS arrays/objects), fed row by row while they are written.
 *
 * Values go into three streams that are hashed block by block: a type tag per value, a float64 per
 * value (numbers as their bits, so `-0` differs from `0`; strings, bigints and other values as their
 * text length) and the concatenated text (strings; bigints in decimal; anything else as stable JSON,
 * so a map's key order does not matter). Tags and
 * lengths make the encoding unambiguous, and numbers never become text — far cheaper than serialising
 * the input objects or printing every value. Rows have the width of the schema, which callers hash in
 * first; the row count is hashed by `digest()`. Different strings that SQLite stores identically (lone
 * surrogates become U+FFFD in UTF-8) hash equally, as their stored content is equal.
 */
export class EncodedDigest {
  readonly #hash: Hash;
  #tags = new Uint8Array(BUFFERED_VALUES);
  #numbers = new Float64Array(BUFFERED_VALUES);
  #count = 0;
  #text = '';
  #rows = 0;

  /** @param prefix text hashed first (e.g. the schema's stable JSON). */
  constructor(prefix: string) {
    this.#hash = createHash('sha256').update(prefix).update('\n');
  }

  /** Adds one row: the values of `row` from index `from` (skipping leading system values) to its end. */
  add(row: readonly unknown[], from = 0): void {
    if (this.#count + row.length - from > this.#tags.length) {
      this.#flush();
      if (row.length - from > this.#tags.length) {
        this.#tags = new Uint8Array(row.length - from);
        this.#numbers = new Float64Array(row.length - from);
      }
    }
    const tags = this.#tags;
    const numbers = this.#numbers;
    let k = this.#count;
    let text = this.#text;
    for (let i = from; i < row.length; i++) {
      const v = row[i];
      switch (typeof v) {
        case 'string':
          tags[k] = STRING;
          numbers[k] = v.length;
          text += v;
          break;
        case 'number':
          tags[k] = NUMBER;
          numbers[k] = v;
          break;
        case 'boolean':
          tags[k] = v ? TRUE : FALSE;
          numbers[k] = 0;
          break;
        case 'bigint': {
          const digits = v.toString();
          tags[k] = BIGINT;
          numbers[k] = digits.length;
          text += digits;
          break;
        }
        default:
          if (v === null || v === undefined) {
            tags[k] = NULL;
            numbers[k] = 0;
          } else {
            const json = stableJson(v);
            tags[k] = OTHER;
            numbers[k] = json.length;
            text += json;
          }
      }
      k++;
    }
    this.#count = k;
    this.#text = text;
    this.#rows++;
  }

  /** The hex digest over everything added (and the row count). Call once. */
  digest(): string {
    this.#flush();
    return this.#hash.update(`\n${this.#rows}`).digest('hex');
  }

  #flush(): void {
    const count = this.#count;
    if (count === 0) return;
    this.#hash.update(this.#tags.subarray(0, count));
    this.#hash.update(new Uint8Array(this.#numbers.buffer, 0, count * 8));
    this.#hash.update(this.#text);
    this.#count = 0;
    this.#text = '';
  }
}
