import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { readJsonl } from '../../compute/chain/read.ts';
import { avg, C, count, max } from '../../compute/index.ts';
import type { DatasetVersion } from '../../compute/registry/dataset-registry.ts';
import type { Session } from '../../compute/session.ts';
import { fromZod, vector } from '../../schema/record/index.ts';

/** The row type of the bundled demo file: camera images with one object detection each. */
export const Detection = z.object({
  image: z.object({
    path: z.string().describe('Path of the image in the bucket'),
    size: z.int().describe('Size in bytes'),
    camera: z.enum(['north', 'south', 'east']),
  }),
  det: z.object({
    label: z.string(),
    confidence: z.number().describe('Detector confidence in [0, 1]'),
    box: z.object({ x: z.int(), y: z.int(), w: z.int(), h: z.int() }),
  }),
  tags: z.array(z.string()),
  emb: vector(4).describe('Image embedding'),
  takenAt: z.date(),
});

const DEMO_FILE = fileURLToPath(new URL('./detections.jsonl', import.meta.url));

/**
 * Builds the demo datasets with real chains on the given session:
 * `detections` (the bundled file with a computed box area) and `label_stats` (a per-label summary).
 */
export async function buildDemoDatasets(session: Session): Promise<DatasetVersion[]> {
  const detections = await readJsonl(DEMO_FILE, { schema: fromZod(Detection), session })
    .mutate({ 'det.area': C('det.box.w').mul(C('det.box.h')) })
    .save('detections', { description: 'Object detections on camera images (chainql demo).' });
  const stats = await readJsonl(DEMO_FILE, { schema: fromZod(Detection), session })
    .groupBy('det.label', {
      images: count(),
      avgConfidence: avg('det.confidence'),
      best: max('det.confidence'),
    })
    .orderBy('images', { desc: true })
    .save('label_stats', { description: 'Detections per label (chainql demo).' });
  return [detections, stats];
}
