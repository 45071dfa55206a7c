import { File } from './file.ts';
import type { OpOptions } from './storage-driver.ts';

/** Dimensions and format of an image, read from its header by sharp. */
export interface ImageInfo {
  readonly width: number;
  readonly height: number;
  /** sharp's format name: `jpeg`, `png`, `webp`, `gif`, `tiff`, `avif`, `svg`, … */
  readonly format: string;
}

/** Options of {@link ImageFile.thumbnail}. */
export interface ThumbnailOptions extends OpOptions {
  /** Output format. Default `jpeg`. */
  readonly format?: 'jpeg' | 'png' | 'webp';
}

type SharpFactory = typeof import('sharp');

/**
 * A File holding an image. Decoding uses `sharp` (libvips), imported on first use. The content is
 * read once per call (through the File's cache / prefetch), so prefer `info()` + `thumbnail()` on a
 * prefetched or cached file.
 */
export class ImageFile extends File {
  #info: ImageInfo | undefined;

  /** Width, height and format. Throws sharp's error for content that is not a supported image. */
  async info(options?: OpOptions): Promise<ImageInfo> {
    if (this.#info === undefined) {
      const sharp = await loadSharp();
      const meta = await sharp(await this.read(options)).metadata();
      this.#info = { width: meta.width ?? 0, height: meta.height ?? 0, format: meta.format ?? 'unknown' };
    }
    return this.#info;
  }

  /** Image width in pixels. */
  async width(options?: OpOptions): Promise<number> {
    return (await this.info(options)).width;
  }

  /** Image height in pixels. */
  async height(options?: OpOptions): Promise<number> {
    return (await this.info(options)).height;
  }

  /** Format name (see {@link ImageInfo.format}). */
  async format(options?: OpOptions): Promise<string> {
    return (await this.info(options)).format;
  }

  /**
   * A thumbnail fitting inside `size`×`size` pixels (aspect ratio kept, never enlarged), encoded as
   * `options.format` (default JPEG).
   */
  async thumbnail(size: number, options: ThumbnailOptions = {}): Promise<Buffer> {
    if (!Number.isInteger(size) || size <= 0)
      throw new RangeError(`thumbnail size must be a positive integer, got ${size}`);
    const sharp = await loadSharp();
    const img = sharp(await this.read(options)).resize(size, size, {
      fit: 'inside',
      withoutEnlargement: true,
    });
    return (options.format ?? 'jpeg') === 'jpeg'
      ? img.jpeg().toBuffer()
      : img.toFormat(options.format ?? 'jpeg').toBuffer();
  }
}

async function loadSharp(): Promise<SharpFactory> {
  const mod = (await import('sharp')) as unknown as { default: SharpFactory };
  return mod.default;
}
