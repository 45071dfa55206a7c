import { closeSync, openSync, readSync } from 'node:fs';

/** Bytes of one copy of the WAL-index header; SQLite keeps two copies, back to back, at the start of `-shm`. */
const HEADER_BYTES = 48;
/** Offset of the header's `isInit` flag. */
const IS_INIT = 12;

/**
 * Tells whether anything was committed to an SQLite file in WAL mode since the last look, without a transaction:
 * it reads the header of SQLite's WAL index (`<file>-shm`, https://www.sqlite.org/walformat.html), which every
 * connection of every process rewrites on each commit (its change counter, frame count and salts). Writers update
 * the second copy of the header first and readers trust it only when both copies agree; this does the same.
 */
export class CommitToken {
  readonly #path: string;
  readonly #buffer = Buffer.alloc(2 * HEADER_BYTES);
  #fd: number | undefined;
  #closed = false;

  /** @param dbPath the database file; its WAL index is `<dbPath>-shm`. */
  constructor(dbPath: string) {
    this.#path = `${dbPath}-shm`;
  }

  /**
   * The current header as a string: equal strings mean no transaction was committed in between. Undefined when
   * it cannot be read consistently (no WAL index yet, a header being rewritten, closed): the caller then reads
   * what it needs from the database.
   */
  read(): string | undefined {
    if (this.#closed) return undefined;
    try {
      this.#fd ??= openSync(this.#path, 'r');
      const bytes = readSync(this.#fd, this.#buffer, 0, this.#buffer.length, 0);
      const buffer = this.#buffer;
      if (bytes < buffer.length || buffer[IS_INIT] !== 1) return undefined;
      if (buffer.compare(buffer, HEADER_BYTES, 2 * HEADER_BYTES, 0, HEADER_BYTES) !== 0) return undefined;
      return buffer.toString('latin1', 0, HEADER_BYTES);
    } catch {
      return undefined;
    }
  }

  /** Closes the file; `read` answers undefined afterwards. */
  close(): void {
    this.#closed = true;
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
