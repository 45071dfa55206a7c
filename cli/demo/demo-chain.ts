import { join } from 'node:path';
import { z } from 'zod';
import type { File } from '../../clients/storage/index.ts';
import type { DatasetVersion } from '../../compute/registry/dataset-registry.ts';
import type { Session } from '../../compute/session.ts';
import { readStorage } from '../../compute/storage/read-storage.ts';
import { vector } from '../../schema/record/index.ts';
import {
  createLanguageDetector,
  createOcr,
  HISTOGRAM_BINS,
  imageFeatures,
  type LanguageDetector,
  llmEndpoint,
  type Ocr,
  summarize,
} from './demo-models.ts';

/** What {@link buildDemoDatasets} did, for the demo's report. */
export interface DemoBuild {
  readonly images: DatasetVersion;
  readonly pages: DatasetVersion;
  /** Rows each model step computed in this run (rows committed by an earlier, interrupted run are not redone). */
  readonly computed: {
    readonly images: number;
    readonly ocr: number;
    readonly language: number;
    readonly summary: number;
  };
  /** Whether the LLM summary step ran (OPENAI_BASE_URL and OPENAI_API_KEY set). */
  readonly llm: boolean;
}

/**
 * The bytes of a row's file. UDFs receive `File` objects, but `readStorage` types the row's `file` as the
 * stored record (`FileRecord`), hence the cast.
 */
function bytesOf(file: unknown): Promise<Uint8Array> {
  return (file as File).read();
}

const ImageInfo = z.object({
  width: z.int().describe('Width in pixels'),
  height: z.int().describe('Height in pixels'),
  format: z.string().describe('Format read from the file header (jpeg, png, webp, …)'),
  channels: z.int(),
  hasAlpha: z.boolean(),
});
const Color = z.object({
  r: z.int(),
  g: z.int(),
  b: z.int(),
  hex: z.string().describe('Mean colour as #rrggbb'),
});
const OcrText = z.object({
  text: z.string().describe('Text read by tesseract.js (English model, offline)'),
  confidence: z.number().describe('Mean word confidence, 0-100'),
  words: z.int().describe('Words read'),
});
const Language = z.object({
  code: z.string().describe('Language of the OCR text (fastText lid.176), ISO 639 code'),
  probability: z.number().describe('Probability of that language, 0-1'),
});

/**
 * Builds the demo datasets from the files under `root` (see `prepareDemoFiles`) with real chains on the
 * embedded SQLite Data Memory:
 * - `images`: `readStorage(root/images)` → sharp reads size and format and computes colour features
 *   (mean colour, a 24-value RGB histogram as a vector for `images_nearest`);
 * - `pages`: `readStorage(root/pages)` → OCR with tesseract.js → language of the OCR text with fastText
 *   → (with OPENAI_BASE_URL and OPENAI_API_KEY) a one-sentence LLM summary.
 * Every UDF step commits in small batches: after Ctrl+C a rerun continues where it stopped, and a
 * finished save is returned at once (same chain hash).
 */
export async function buildDemoDatasets(session: Session, root: string): Promise<DemoBuild> {
  const computed = { images: 0, ocr: 0, language: 0, summary: 0 };
  const images = await readStorage(join(root, 'images'), { session, glob: '*.{jpg,png,webp}' })
    .settings({ concurrency: 4, batchSize: 2 })
    .map(
      {
        image: ImageInfo,
        color: Color,
        histogram: vector(HISTOGRAM_BINS * 3).describe('RGB colour histogram (8 bins per channel)'),
      },
      async ({ file }) => {
        computed.images += 1;
        return imageFeatures(await bytesOf(file));
      },
      { name: 'images: size, format, colours (sharp)' },
    )
    .save('images', {
      description: 'Bundled images with size, format and colour features read by sharp (chainql demo).',
      primaryKey: ['file.path'],
    });

  const llm = llmEndpoint();
  const withLanguage = readStorage(join(root, 'pages'), { session, glob: '*.png' })
    .settings({ concurrency: 2, batchSize: 1 })
    .map(
      { ocr: OcrText },
      async ({ file }, ctx) => {
        computed.ocr += 1;
        return { ocr: await ctx.resource.recognize(await bytesOf(file)) };
      },
      {
        name: 'pages: OCR (tesseract.js)',
        setup: (): Promise<Ocr> => createOcr(),
        teardown: (ocr: Ocr) => ocr.close(),
      },
    )
    .map(
      { language: Language },
      ({ ocr }, ctx) => {
        computed.language += 1;
        return { language: ctx.resource.detect(ocr.text) };
      },
      {
        name: 'pages: language (fastText)',
        setup: (): Promise<LanguageDetector> => createLanguageDetector(),
      },
    );
  const pagesChain = llm
    ? withLanguage.map(
        { summary: z.string().describe('One-sentence summary by the configured LLM') },
        async ({ ocr }, ctx) => {
          computed.summary += 1;
          return { summary: await summarize(llm, ocr.text, ctx.signal) };
        },
        { name: 'pages: summary (LLM)', retries: { attempts: 4 } },
      )
    : withLanguage;
  const pages = await pagesChain.save('pages', {
    description: 'Scanned text pages: OCR text (tesseract.js) and its language (fastText) (chainql demo).',
    primaryKey: ['file.path'],
  });
  return { images, pages, computed, llm: llm !== undefined };
}
