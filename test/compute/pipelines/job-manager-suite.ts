import { expect, it } from 'vitest';
import { readDataset, type Session } from '../../../compute/index.ts';
import {
  IdempotencyKeyReusedError,
  type Job,
  type JobManager,
  JobStateError,
  PipelineInputError,
  PipelineNotFoundError,
} from '../../../compute/pipelines/index.ts';
import { jobUntil } from '../../helpers/job-until.ts';

/** What each backend's test file provides. */
export interface SuiteContext {
  manager(): JobManager;
  session(): Session;
}

const until = (manager: JobManager, id: string, done: (job: Job) => boolean, timeoutMs = 60_000) =>
  jobUntil(manager, id, done, { timeoutMs, intervalMs: 50 });

/** Behaviour every JobManager backend must show. */
export function jobManagerSuite(ctx: SuiteContext): void {
  it('launch returns at once; subscribe streams progress until the job succeeds with its output version', async () => {
    const manager = ctx.manager();
    const job = await manager.launch('squares', { count: 3000, output: 'sq_launch' });
    expect(['queued', 'running']).toContain(job.status);
    expect(job.pipeline).toBe('squares');
    expect(job.input).toEqual({ count: 3000, output: 'sq_launch' });
    const seen: Job[] = [];
    for await (const update of manager.subscribe(job.id)) seen.push(update);
    const last = seen.at(-1)!;
    expect(last.status).toBe('succeeded');
    expect(last.output).toEqual({ dataset: 'sq_launch', version: '1.0.0' });
    expect(last.progress).toMatchObject({ done: 3000, total: 3000 });
    expect(seen.some((u) => u.status === 'running' && u.progress.done > 0 && u.progress.done < 3000)).toBe(
      true,
    );
    expect(last.startedAt!.getTime()).toBeGreaterThanOrEqual(last.createdAt.getTime());
    expect(last.finishedAt!.getTime()).toBeGreaterThanOrEqual(last.startedAt!.getTime());
    expect(await manager.get(job.id)).toEqual(last);
    const rows = await readDataset('sq_launch', { session: ctx.session() }).orderBy('n').collect();
    expect(rows).toHaveLength(3000);
    expect(rows[11]).toMatchObject({ n: 12, sq: 144 });
  });

  it('the same idempotency key with the same input returns the same job; with another input it is an error naming the key', async () => {
    const manager = ctx.manager();
    const a = await manager.launch('squares', { count: 10, output: 'sq_idem' }, { idempotencyKey: 'k-1' });
    const b = await manager.launch('squares', { count: 10, output: 'sq_idem' }, { idempotencyKey: 'k-1' });
    // A different input: two jobs running the very same chain at once would share checkpoints.
    const c = await manager.launch('squares', { count: 11, output: 'sq_idem2' }, { idempotencyKey: 'k-2' });
    expect(b.id).toBe(a.id);
    expect(c.id).not.toBe(a.id);
    await until(manager, a.id, (j) => j.status === 'succeeded');
    await until(manager, c.id, (j) => j.status === 'succeeded');
    expect(
      (await manager.launch('squares', { output: 'sq_idem', count: 10 }, { idempotencyKey: 'k-1' })).id,
    ).toBe(a.id);
    // `output` defaults to 'squares': another input than the key's job.
    const reused = await manager
      .launch('squares', { count: 10 }, { idempotencyKey: 'k-1' })
      .catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(IdempotencyKeyReusedError);
    expect((reused as IdempotencyKeyReusedError).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((reused as Error).message).toContain("'k-1'");
    expect((reused as Error).message).toContain(a.id);
  });

  it('bad input is rejected with BAD_USER_INPUT naming the field, and creates no job', async () => {
    const manager = ctx.manager();
    const before = (await manager.list({ pipeline: 'squares', limit: 1000 })).length;
    const error = await manager.launch('squares', { count: 'many' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineInputError);
    expect((error as PipelineInputError).code).toBe('BAD_USER_INPUT');
    expect((error as PipelineInputError).field).toBe('count');
    expect((error as Error).message).toContain("field 'count'");
    expect((await manager.list({ pipeline: 'squares', limit: 1000 })).length).toBe(before);
    await expect(manager.launch('nope', {})).rejects.toBeInstanceOf(PipelineNotFoundError);
  });

  it('cancel stops a running job promptly; resume continues it from its checkpoints under the same id', async () => {
    const manager = ctx.manager();
    const job = await manager.launch('squares', { count: 20_000, output: 'sq_cancel' });
    await until(manager, job.id, (j) => j.progress.done >= 1000);
    const asked = Date.now();
    const cancelled = await manager.cancel(job.id);
    const settled = await until(manager, job.id, (j) => j.status === 'cancelled', 10_000);
    expect(Date.now() - asked).toBeLessThan(5000);
    expect(['running', 'cancelled']).toContain(cancelled.status);
    expect(settled.output).toBeUndefined();
    expect(settled.progress.done).toBeLessThan(20_000);

    const resumed = await manager.resume(job.id);
    expect(resumed.id).toBe(job.id);
    // Progress does not go back on resume: it continues from the committed rows.
    expect(resumed.progress.done).toBeGreaterThanOrEqual(settled.progress.done);
    const done = await until(manager, job.id, (j) => j.status === 'succeeded');
    expect(done.output).toEqual({ dataset: 'sq_cancel', version: '1.0.0' });
    expect(done.progress).toMatchObject({ done: 20_000, total: 20_000 });
    // Started twice; startedAt is the first start.
    expect(done.attempts).toBe(2);
    expect(done.startedAt).toEqual(settled.startedAt);
    expect(await readDataset('sq_cancel', { session: ctx.session() }).count()).toBe(20_000);
    await expect(manager.resume(job.id)).rejects.toBeInstanceOf(JobStateError);
  });

  it("a UDF row error fails the job with the row's error", async () => {
    const manager = ctx.manager();
    const job = await manager.launch('unlucky', { count: 40 });
    let last: Job | undefined;
    for await (const update of manager.subscribe(job.id)) last = update;
    expect(last?.status).toBe('failed');
    expect(last?.error?.code).toBe('UDF_ROW_FAILED');
    expect(last?.error?.message).toContain('row 13');
    expect(last?.error?.message).toContain('unlucky number 13');
    expect(last?.output).toBeUndefined();
  });

  it('list filters by pipeline and status, newest first, with a limit', async () => {
    const manager = ctx.manager();
    const first = await manager.launch('squares', { count: 5, output: 'sq_list' });
    await until(manager, first.id, (j) => j.status === 'succeeded');
    const second = await manager.launch('squares', { count: 5, output: 'sq_list' });
    await until(manager, second.id, (j) => j.status === 'succeeded');
    const listed = await manager.list({ pipeline: 'squares', status: 'succeeded', limit: 2 });
    expect(listed.map((j) => j.id)).toEqual([second.id, first.id]);
    expect(await manager.list({ status: 'running' })).toEqual([]);
    expect(await manager.list({ pipeline: 'other' })).toEqual([]);
  });
}
