/**
 * `chainql run` with CHAINQL_REDIS_URL set: a script's UDF that workers cannot load (an inline closure of
 * an ad hoc script — there is no config module to rebuild it from) is reported at once, before anything
 * is enqueued or materialised, with the fix — not after a no-worker timeout.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  REDIS_URL,
  redisAvailable,
  removeQueue,
  uniqueQueue,
} from '../compute/runners/redis-test-helpers.ts';
import { makeScriptProject, runCli } from './run-cli.ts';

const hasRedis = await redisAvailable();

const SCRIPT = `import { z } from 'zod';
import { readRecords } from 'chainql';

const rows = Array.from({ length: 1000 }, (_, i) => ({ n: i + 1 }));
const saved = await readRecords(rows, z.object({ n: z.int() }))
  .map({ sq: z.int() }, (row) => ({ sq: row.n * row.n }))
  .save('squares');
console.log('saved', saved.rows);
`;

describe.skipIf(!hasRedis)('chainql run with Redis configured', () => {
  it('an inline UDF fails at once with UDF_LOAD and the fix; nothing is enqueued', async () => {
    const project = makeScriptProject('chainql-run-redis-');
    const queueName = uniqueQueue();
    writeFileSync(join(project.dir, 'squares.ts'), SCRIPT);
    try {
      const started = Date.now();
      const result = await runCli(
        ['run', 'squares.ts', '--data', join(project.dir, 'data'), '--no-progress'],
        {
          cwd: project.dir,
          env: { CHAINQL_REDIS_URL: REDIS_URL, CHAINQL_QUEUE: queueName },
        },
      );
      const elapsed = Date.now() - started;
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).not.toContain('saved');
      expect(result.stderr).toContain('[UDF_LOAD]');
      expect(result.stderr).toMatch(/still running \(the script itself/);
      expect(result.stderr).toMatch(/Nothing was enqueued/);
      expect(result.stderr).toMatch(/definePipeline/);
      expect(result.stderr).toContain('workers: 0');
      // Far below the runner's 60 s no-worker timeout: the check runs before the chain does.
      expect(elapsed).toBeLessThan(30_000);
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      const queue = new Queue(queueName, { connection: redis });
      try {
        const counts = await queue.getJobCounts();
        expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
      } finally {
        await queue.close();
        redis.disconnect();
      }
      // The same script in-process (workers: 0 from the environment is not a thing; drop the Redis URL).
      const local = await runCli(
        ['run', 'squares.ts', '--data', join(project.dir, 'data'), '--no-progress'],
        {
          cwd: project.dir,
        },
      );
      expect(local.code, local.stderr).toBe(0);
      expect(local.stdout).toContain('saved 1000');
      expect(existsSync(join(project.dir, 'data'))).toBe(true);
    } finally {
      await removeQueue(queueName);
      project.remove();
    }
  }, 120_000);
});
