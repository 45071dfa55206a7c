import { createRequire } from 'node:module';
import type { ValueEncoder } from './postgres-values.ts';

/** The parts of pg's internal connection a COPY needs (pg's public API has no COPY FROM). */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
  readonly stream: NodeJS.WritableStream & { readonly writableNeedDrain?: boolean };
}

const require = createRequire(import.meta.url);
/** pg's own JS → parameter conversion (array literals for JS arrays), loaded with pg. */
let prepareValue: ((value: unknown) => unknown) | undefined;

/**
 * `COPY … FROM STDIN` (text or binary format) as a pg submittable: `client.query(copy)` starts it, `write` sends
 * CopyData, `end` sends CopyDone and resolves to the rows copied. A server error (say a unique violation)
 * surfaces from the next `write` or from `end`; `fail` aborts with CopyFail. The same protocol messages
 * pg-copy-streams uses, without a stream around them (rows arrive in batches from the chain).
 */
export class CopyIn {
  #connection: CopyConnection | undefined;
  #error: Error | undefined;
  #rows = 0;
  readonly #ready: Promise<void>;
  readonly #done: Promise<number>;
  #onReady!: () => void;
  #onReadyFailed!: (error: Error) => void;
  #onDone!: (rows: number) => void;
  #onFailed!: (error: Error) => void;

  constructor(readonly text: string) {
    this.#ready = new Promise((resolve, reject) => {
      this.#onReady = resolve;
      this.#onReadyFailed = reject;
    });
    this.#done = new Promise((resolve, reject) => {
      this.#onDone = resolve;
      this.#onFailed = reject;
    });
    this.#ready.catch(() => undefined);
    this.#done.catch(() => undefined);
  }

  /** Called by pg when the query reaches the connection. */
  submit(connection: CopyConnection): void {
    this.#connection = connection;
    connection.query(this.text);
  }

  handleCopyInResponse(): void {
    this.#onReady();
  }

  handleCommandComplete(message: { text?: string }): void {
    const match = /COPY (\d+)/.exec(message.text ?? '');
    if (match) this.#rows = Number(match[1]);
  }

  handleError(error: Error): void {
    // pg stops routing messages to this query after an error (its ReadyForQuery goes to the client).
    this.#error = error;
    this.#onReadyFailed(error);
    this.#onFailed(error);
  }

  handleReadyForQuery(): void {
    if (this.#error) this.#onFailed(this.#error);
    else this.#onDone(this.#rows);
  }

  // Messages a COPY never receives; pg calls them on any active query.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
  callback(): void {}

  /** Resolves once the server accepts data (CopyInResponse); rejects with the server's error. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Sends one chunk of COPY data (text as UTF-8), waiting for the socket to drain when its buffer is full. */
  async write(data: string | Buffer): Promise<void> {
    if (this.#error) throw this.#error;
    const connection = this.#connection!;
    connection.sendCopyFromChunk(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    if (connection.stream.writableNeedDrain) {
      await new Promise<void>((resolve) => connection.stream.once('drain', () => resolve()));
    }
  }

  /** Ends the data (CopyDone) and resolves to the number of rows copied, or rejects with the server's error. */
  async end(): Promise<number> {
    if (!this.#error) this.#connection!.endCopyFrom();
    return this.#done;
  }

  /** Aborts the COPY (CopyFail) and waits until the connection is ready again. */
  async fail(reason: string): Promise<void> {
    if (!this.#error) this.#connection?.sendCopyFail(reason);
    await this.#done.catch(() => undefined);
  }
}

const NEEDS_ESCAPE = /[\\\n\r\t]/;

/** A value in COPY text format: `\N` for NULL; backslash, newline, CR and tab escaped. */
function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'boolean') return value ? 't' : 'f';
  else if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  else {
    prepareValue ??= (require('pg/lib/utils.js') as { prepareValue: (value: unknown) => unknown })
      .prepareValue;
    text = String(prepareValue(value));
  }
  return NEEDS_ESCAPE.test(text)
    ? text.replace(/[\\\n\r\t]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
      )
    : text;
}

/** Rows as COPY text lines, each value encoded for its column first. */
export function copyText(
  rows: readonly (readonly unknown[])[],
  encoders: readonly (ValueEncoder | undefined)[],
): string {
  const width = encoders.length;
  let out = '';
  for (const row of rows) {
    for (let c = 0; c < width; c++) {
      const value = row[c];
      const encode = encoders[c];
      out += copyValue(value === null || value === undefined ? null : encode ? encode(value) : value);
      out += c === width - 1 ? '\n' : '\t';
    }
  }
  return out;
}
