import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickhouseJobRecordStore } from '../../../../clients/warehouse/clickhouse/clickhouse-job-record-store.ts';
import {
  type ClickhouseWarehouse,
  openClickhouseWarehouse,
} from '../../../../clients/warehouse/clickhouse/clickhouse-warehouse.ts';
import type { JobRecordRow } from '../../../../clients/warehouse/job-record-store.ts';
import { tempClickhouseDatabase } from '../../../helpers/clickhouse-server.ts';

const row = (id: string, key: string | null): JobRecordRow => ({
  id,
  pipeline: 'p',
  status: 'queued',
  input: '{}',
  idempotency_key: key,
  progress: '{"done":0,"total":0,"rate":0}',
  error: null,
  output: null,
  created_at: 1_000,
  started_at: null,
  finished_at: null,
});

let database: Awaited<ReturnType<typeof tempClickhouseDatabase>>;
const machines: ClickhouseWarehouse[] = [];
beforeAll(async () => {
  database = await tempClickhouseDatabase();
  // Five clients on one database: five machines launching with the same idempotency key.
  for (let i = 0; i < 5; i++) machines.push(await openClickhouseWarehouse({ url: database.url }));
  await machines[0]!.jobRecordStore().migrate();
});
afterAll(async () => {
  for (const machine of machines) await machine.close();
  await database?.drop();
});

describe('ClickHouse job records written from several machines', () => {
  it('launches racing with one idempotency key keep exactly one record (the first INSERT wins, nothing deleted)', async () => {
    // Every machine checks (finds nothing) before any inserts: the deduplication token must decide.
    let arrived = 0;
    let release!: () => void;
    const barrier = new Promise<void>((resolve) => {
      release = resolve;
    });
    const deletes: string[] = [];
    const stores = machines.map((machine) => {
      const gated = {
        query: machine.query.bind(machine),
        execute: async (q: Parameters<ClickhouseWarehouse['execute']>[0]) => {
          if (/^DELETE/.test(q.sql)) deletes.push(q.sql);
          return machine.execute(q);
        },
        insertOnce: async (...args: Parameters<ClickhouseWarehouse['insertOnce']>) => {
          if (++arrived === machines.length) release();
          await barrier;
          return machine.insertOnce(...args);
        },
      };
      return new ClickhouseJobRecordStore(gated);
    });
    await Promise.all(stores.map((store, i) => store.insertIgnore(row(`job_${i}`, 'same-key'))));
    expect(arrived).toBe(machines.length);
    const found = await Promise.all(stores.map((store) => store.findByKey('p', 'same-key')));
    const ids = new Set(found.map((r) => r?.id));
    expect(ids.size).toBe(1);
    expect((await stores[0]!.list({ limit: 100 })).map((r) => r.id)).toEqual([...ids]);
    expect(deletes).toEqual([]);
  });

  it('an update from another machine is seen by every machine; the newest revision wins', async () => {
    const [a, b] = [machines[1]!.jobRecordStore(), machines[2]!.jobRecordStore()];
    await a.insertIgnore(row('shared', null));
    await b.update('shared', {
      status: 'running',
      progress: '{"done":5,"total":10,"rate":1}',
      error: null,
      output: null,
      started_at: 2_000,
      finished_at: null,
    });
    await a.update('shared', {
      status: 'succeeded',
      progress: '{"done":10,"total":10,"rate":1}',
      error: null,
      output: '{"dataset":"d","version":"1.0.0"}',
      started_at: 2_000,
      finished_at: 3_000,
    });
    for (const machine of machines) {
      expect(await machine.jobRecordStore().get('shared')).toEqual({
        ...row('shared', null),
        status: 'succeeded',
        progress: '{"done":10,"total":10,"rate":1}',
        output: '{"dataset":"d","version":"1.0.0"}',
        started_at: 2_000,
        finished_at: 3_000,
      });
    }
    // Inserting a known id again changes nothing.
    await b.insertIgnore({ ...row('shared', null), status: 'queued' });
    expect((await a.get('shared'))?.status).toBe('succeeded');
  });
});
