import { createInterface } from 'node:readline';
import { File } from './file.ts';
import type { OpOptions } from './storage-driver.ts';

/** A File holding text: decoding helpers on top of File. */
export class TextFile extends File {
  /** The content as a string. Default encoding `utf8` (a leading BOM is removed). */
  async text(encoding: BufferEncoding = 'utf8', options?: OpOptions): Promise<string> {
    const text = await this.readText(encoding, options);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  /**
   * The lines of the content, streamed (memory stays flat for large files). Line ends `\n` and
   * `\r\n` are removed; a trailing empty line is not yielded.
   */
  async *lines(options?: OpOptions): AsyncIterable<string> {
    const stream = await this.stream(options);
    stream.setEncoding('utf8');
    const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    let first = true;
    for await (const line of rl) {
      yield first && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
      first = false;
    }
  }
}
