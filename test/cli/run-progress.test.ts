import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeScriptProject, runCli } from './run-cli.ts';

const SCRIPT = `import { z } from 'zod';
import { readValues } from 'chainql';
await readValues({ id: Array.from({ length: 500 }, (_, i) => i) })
  .settings({ batchSize: 50, concurrency: 4 })
  .map({ sq: z.int() }, async (row) => ({ sq: row.id * row.id }))
  .save('squares');
console.log('saved');
`;

describe('chainql run progress', () => {
  it('draws the UDF progress (rate, counts) on stderr, and --no-progress turns it off', async () => {
    const project = makeScriptProject('chainql-progress-');
    try {
      writeFileSync(join(project.dir, 'squares.ts'), SCRIPT);
      const shown = await runCli(['run', 'squares.ts', '--data', join(project.dir, 'data')], {
        cwd: project.dir,
      });
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain('saved');
      expect(shown.stderr).toMatch(/500\/500/);
      expect(shown.stderr).toMatch(/rows\/s/);
      const quiet = await runCli(
        ['run', 'squares.ts', '--no-progress', '--data', join(project.dir, 'data2')],
        {
          cwd: project.dir,
        },
      );
      expect(quiet.code).toBe(0);
      expect(quiet.stderr).not.toMatch(/rows\/s/);
    } finally {
      project.remove();
    }
  });
});
