import { describe, expect, it } from 'vitest';
import {
  BullmqRunner,
  InProcessRunner,
  openBullmqRunner,
  pendingPartitions,
  RunnerConfigError,
  resolveRunner,
} from '../../../compute/runners/index.ts';
import { tempSession } from '../../helpers/temp-session.ts';

describe('resolveRunner — the one place that picks where UDF steps run', () => {
  const custom = openBullmqRunner({ queueName: 'never-used' });

  it('uses an explicit runner, forces in-process with workers: 0, else BullMQ when workers > 0 or CHAINQL_REDIS_URL is set', () => {
    expect(resolveRunner({ runner: custom }, { CHAINQL_REDIS_URL: 'redis://x:1' })).toBe(custom);
    expect(resolveRunner({ workers: 0 }, { CHAINQL_REDIS_URL: 'redis://127.0.0.1:6379' })).toBeInstanceOf(
      InProcessRunner,
    );
    expect(resolveRunner({}, {})).toBeInstanceOf(InProcessRunner);
    expect(resolveRunner({ workers: 2 }, {})).toBeDefined();
    expect(resolveRunner({}, { CHAINQL_REDIS_URL: 'redis://127.0.0.1:6379' })).toBeDefined();
  });

  it('rejects partition sizes that are not positive integers', () => {
    expect(() => new BullmqRunner({ partitionSize: 0 })).toThrow(RunnerConfigError);
    expect(() => new BullmqRunner({ partitionSize: 2.5 })).toThrow(/positive integer/);
  });
});

describe('pendingPartitions', () => {
  it('cuts ids 1..n into fixed ranges and keeps only ranges with uncommitted rows, with their counts', async () => {
    const session = await tempSession();
    try {
      const { warehouse } = session;
      const tables = { input: 't_in', output: 't_out', done: 't_done' };
      await warehouse.createTable(tables.input, [{ name: 'sys__id', sqlType: 'INTEGER', nullable: false }], {
        orderBy: ['sys__id'],
      });
      await warehouse.createTable(tables.done, [{ name: 'sys__id', sqlType: 'INTEGER', nullable: false }], {
        orderBy: ['sys__id'],
      });
      await warehouse.insert(
        tables.input,
        ['sys__id'],
        Array.from({ length: 12 }, (_, i) => [i + 1]),
      );
      await warehouse.insert(tables.done, ['sys__id'], [[1], [2], [3], [4], [5], [7]]);
      expect(await pendingPartitions(warehouse, tables, 5)).toEqual([
        { range: { from: 6, to: 10 }, pending: 4 },
        { range: { from: 11, to: 15 }, pending: 2 },
      ]);
      expect(await pendingPartitions(warehouse, tables, 1000)).toEqual([
        { range: { from: 1, to: 1000 }, pending: 6 },
      ]);
    } finally {
      await session.cleanup();
    }
  });
});
