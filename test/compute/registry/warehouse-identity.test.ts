import { afterAll, describe, expect, it } from 'vitest';
import { openSession } from '../../../compute/session.ts';
import { tempSession, WAREHOUSES } from '../../helpers/temp-session.ts';

describe.each(WAREHOUSES)('warehouse identity on %s', (warehouse) => {
  const sessions: Awaited<ReturnType<typeof tempSession>>[] = [];
  afterAll(async () => {
    for (const session of sessions) await session.cleanup();
  });

  it('names one warehouse: the same when opened again, another for another warehouse', async () => {
    const a = await tempSession(warehouse);
    const b = await tempSession(warehouse);
    sessions.push(a, b);
    const id = await a.registry.identity();
    expect(id).toMatch(warehouse === 'sqlite' ? /^sqlite:[0-9a-f]+$/ : /^clickhouse:[0-9a-f-]{36}$/);
    expect(await a.registry.identity()).toBe(id);
    expect(await b.registry.identity()).not.toBe(id);
    if (warehouse === 'sqlite') {
      // Another process opening the same data directory (a worker on the same machine) sees the same id.
      const again = await openSession({ dataDir: a.dataDir });
      try {
        expect(await again.registry.identity()).toBe(id);
      } finally {
        await again.close();
      }
    }
  });
});
