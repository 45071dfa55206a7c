// The demo's pipelines (`chainql demo` serves with this config): each becomes a GraphQL mutation; the
// playground's example mutation launches `find_words`, and `job_updates` follows the job.
import { z } from 'zod';
import { definePipeline, readDataset } from '../../compute/index.ts';

export const find_words = definePipeline({
  name: 'find_words',
  description: 'Counts how often the given words occur in the OCR text of every scanned page',
  input: z.object({
    words: z.array(z.string().min(1)).min(1).describe('Words to look for (case-insensitive)'),
  }),
  example: { words: ['market', 'train', 'boats'] },
  output: 'word_hits',
  run: (input, ctx) =>
    readDataset<{ ocr: { text: string } }>('pages', { session: ctx.session })
      .settings({ batchSize: 2 })
      .map({ hits: z.int().describe('Occurrences of the words'), matched: z.array(z.string()) }, (row) => {
        const words = row.ocr.text.toLowerCase().split(/[^\p{L}]+/u);
        const matched = input.words.filter((w) => words.includes(w.toLowerCase()));
        const hits = words.filter((w) => input.words.some((x) => x.toLowerCase() === w)).length;
        return { hits, matched };
      }),
});

export default { pipelines: [find_words] };
