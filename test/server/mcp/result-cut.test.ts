import { describe, expect, it } from 'vitest';
import { cutResult } from '../../../server/mcp/result-cut.ts';

describe('cutResult', () => {
  const rows = Array.from({ length: 500 }, (_, i) => ({ name: `row-${i}`, text: 'x'.repeat(80) }));

  it('leaves an answer that fits untouched', () => {
    expect(cutResult({ a: rows.slice(0, 3) }, 10_000)).toEqual({ data: { a: rows.slice(0, 3) }, notes: [] });
  });

  it('cuts the longest root list to fit and says how to page to the rest', () => {
    const { data, notes } = cutResult(
      { photos: rows, photos_aggregate: { aggregate: { count: 500 } } },
      10_000,
    );
    const shown = (data.photos as unknown[]).length;
    expect(JSON.stringify(data).length).toBeLessThanOrEqual(10_000);
    expect(shown).toBeGreaterThan(10);
    expect(data.photos).toEqual(rows.slice(0, shown));
    expect(data.photos_aggregate).toEqual({ aggregate: { count: 500 } });
    expect(notes).toEqual([
      expect.stringContaining(`\`photos\` returned 500 rows; only the first ${shown} are shown`),
    ]);
    expect(notes[0]).toContain(`photos(limit: ${shown}, offset: ${shown}, …)`);
  });
});
