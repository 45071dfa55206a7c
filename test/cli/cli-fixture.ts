import { z } from 'zod';
import { readRecords } from '../../compute/chain/read.ts';
import { readDataset } from '../../compute/dataset/read-dataset.ts';
import { C } from '../../compute/index.ts';
import { openSession } from '../../compute/session.ts';

/** The row type of the CLI fixture `photos`: nested objects with descriptions, an enum and an array. */
export const Photo = z.object({
  name: z.string().describe('File name of the photo'),
  det: z.object({
    label: z.string(),
    confidence: z.number().describe('Detector confidence in [0, 1]'),
    box: z.object({ w: z.int(), h: z.int() }),
  }),
  camera: z.enum(['north', 'south']),
  tags: z.array(z.string()),
});

/** 30 photos: p00..p29, label cat for even i, confidence i/30, camera north for i < 15. */
export const PHOTOS = Array.from({ length: 30 }, (_, i) => ({
  name: `p${String(i).padStart(2, '0')}`,
  det: { label: i % 2 === 0 ? 'cat' : 'dog', confidence: i / 30, box: { w: i + 1, h: 2 } },
  camera: (i < 15 ? 'north' : 'south') as 'north' | 'south',
  tags: i % 3 === 0 ? ['night'] : ['day'],
}));

/**
 * Saves the fixture into `dataDir`: `photos` 1.0.0 (30 rows, keyed by name), `photos` 1.0.1 (the first
 * 10 rows) and `confident` (photos with confidence > 0.5, lineage photos@1.0.1… via readDataset).
 */
export async function saveCliFixture(dataDir: string): Promise<void> {
  const session = await openSession({ dataDir });
  try {
    await readRecords(PHOTOS, Photo, { session }).save('photos', {
      description: 'Photos with one detection each (CLI fixture).',
      primaryKey: ['name'],
      indexes: [['det.label']],
    });
    await readRecords(PHOTOS.slice(0, 10), Photo, { session }).save('photos', {
      version: '1.0.1',
      description: 'Photos with one detection each (CLI fixture).',
    });
    await readDataset('photos', { session, version: '1.0.0' })
      .filter(C('det.confidence').gt(0.5))
      .save('confident');
  } finally {
    await session.close();
  }
}
