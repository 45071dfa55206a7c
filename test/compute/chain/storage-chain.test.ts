import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { File } from '../../../clients/storage/file.ts';
import { readStorage } from '../../../compute/index.ts';
import { tempDir, tempSession } from '../../helpers/temp-session.ts';

let session: Awaited<ReturnType<typeof tempSession>>;
let dir: ReturnType<typeof tempDir>;
beforeAll(async () => {
  session = await tempSession();
  dir = tempDir('chainql-files-');
  mkdirSync(join(dir.dir, 'docs', 'sub'), { recursive: true });
  for (let i = 1; i <= 6; i++) writeFileSync(join(dir.dir, 'docs', `doc ${i}.txt`), 'x'.repeat(i * 10));
  writeFileSync(join(dir.dir, 'docs', 'sub', 'nested.txt'), 'nested!');
  writeFileSync(join(dir.dir, 'docs', 'skip.bin'), Buffer.from([1, 2, 3]));
});
afterAll(async () => {
  await session.cleanup();
  dir.remove();
});

describe('chains over object storage (local files)', () => {
  it('UDFs receive File objects (with prefetch) and read their content', async () => {
    const rows = await readStorage(join(dir.dir, 'docs'), { glob: '**/*.txt', session })
      .settings({ prefetch: 3, concurrency: 4 })
      .map({ chars: z.int(), name: z.string() }, async ({ file }) => {
        const f = file as unknown as File;
        return { chars: (await f.readText()).length, name: f.path.split('/').pop()! };
      })
      .orderBy('chars')
      .collect();
    expect(rows.map((r) => r.chars)).toEqual([7, 10, 20, 30, 40, 50, 60]);
    expect(rows.map((r) => r.name)).toContain('doc 3.txt');
  });

  it('collect() returns File objects that can read', async () => {
    const [first] = await readStorage(join(dir.dir, 'docs'), { glob: '*.bin', session }).collect();
    expect(first!.file).toBeInstanceOf(File);
    expect([...(await (first!.file as unknown as File).read())]).toEqual([1, 2, 3]);
  });
});
