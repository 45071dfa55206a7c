import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EncodedDigest } from '../../../compute/chain/encoded-digest.ts';
import { C, readRecords } from '../../../compute/index.ts';
import { tempSession } from '../../helpers/temp-session.ts';

const Row = z.object({
  id: z.int(),
  name: z.string(),
  when: z.coerce.date(),
  det: z.object({ label: z.string(), score: z.number().nullable() }),
});

const rows = [
  { id: 1, name: 'a', when: '2024-01-01T00:00:00Z', det: { label: 'cat', score: 0.5 } },
  { id: 2, name: 'b', when: '2024-01-02T00:00:00Z', det: { label: 'dog', score: null } },
];

let session: Awaited<ReturnType<typeof tempSession>>;
beforeAll(async () => {
  session = await tempSession();
});
afterAll(async () => {
  await session.cleanup();
});

async function temporaryTables(): Promise<number> {
  const found = await session.warehouse.query({
    sql: "SELECT count(*) AS n FROM sqlite_master WHERE name LIKE 'chainql_tmp_%'",
    parameters: [],
  });
  return Number(found[0]!.n);
}

function digestOf(...rowsToHash: unknown[][]): string {
  const digest = new EncodedDigest('schema');
  for (const row of rowsToHash) digest.add(row);
  return digest.digest();
}

describe('records chain hash (computed while writing)', () => {
  it('saving equal records again returns the existing version and drops the table it wrote', async () => {
    const tablesBefore = await temporaryTables();
    const first = await readRecords(rows, Row, { session }).save('same');
    const copy = rows.map((row) => ({ ...row, det: { ...row.det } }));
    const again = await readRecords(copy, Row, { session }).save('same');
    expect(again.version).toBe(first.version);
    expect(again.chainHash).toBe(first.chainHash);
    expect(await temporaryTables()).toBe(tablesBefore);
    const filtered = await readRecords(rows, Row, { session }).filter(C('id').gt(1)).save('same_filtered');
    const filteredAgain = await readRecords(copy, Row, { session })
      .filter(C('id').gt(1))
      .save('same_filtered');
    expect(filteredAgain.version).toBe(filtered.version);
    expect(filteredAgain.rows).toBe(1);
    expect(await temporaryTables()).toBe(tablesBefore);
  });

  it('a changed value, row order or row count makes a new version', async () => {
    const base = await readRecords(rows, Row, { session }).save('changes');
    const changed = rows.map((row, i) => (i === 1 ? { ...row, det: { label: 'dog', score: 0 } } : row));
    const v2 = await readRecords(changed, Row, { session }).save('changes');
    expect(v2.version).toBe('1.0.1');
    expect(v2.chainHash).not.toBe(base.chainHash);
    const v3 = await readRecords([...rows].reverse(), Row, { session }).save('changes');
    expect(v3.version).toBe('1.0.2');
    const v4 = await readRecords(rows.slice(0, 1), Row, { session }).save('changes');
    expect(v4.version).toBe('1.0.3');
    expect(new Set([base, v2, v3, v4].map((v) => v.chainHash)).size).toBe(4);
  });

  it('input that coerces to the same stored rows is the same chain', async () => {
    const first = await readRecords(rows, Row, { session }).save('coerced');
    const asDates = rows.map((row) => ({ ...row, when: new Date(row.when) }));
    const again = await readRecords(asDates, Row, { session }).save('coerced');
    expect(again.version).toBe(first.version);
    expect(await readRecords(asDates, Row, { session }).save('coerced', { force: true })).toMatchObject({
      version: '1.0.1',
      chainHash: first.chainHash,
    });
  });

  it('a row that fails validation on a repeated save still fails with its index and path', async () => {
    await readRecords(rows, Row, { session }).save('invalid');
    const bad = [rows[0], { ...rows[1], det: { label: 7, score: null } }];
    await expect(readRecords(bad as typeof rows, Row, { session }).save('invalid')).rejects.toThrow(
      "Row 1: field 'det.label'",
    );
    expect(await temporaryTables()).toBe(0);
  });
});

describe('EncodedDigest', () => {
  it('keeps values apart that plain concatenation would merge', () => {
    expect(digestOf(['a"', 'b'])).not.toBe(digestOf(['a', '"b']));
    expect(digestOf(['1', 2])).not.toBe(digestOf([1, '2']));
    expect(digestOf([1n])).not.toBe(digestOf([1]));
    expect(digestOf([0])).not.toBe(digestOf([-0]));
    expect(digestOf([null])).not.toBe(digestOf(['null']));
    expect(digestOf([Number.POSITIVE_INFINITY])).not.toBe(digestOf(['Infinity']));
    expect(digestOf([[1, 2]])).not.toBe(digestOf(['[1,2]']));
    expect(digestOf(['x'], ['y'])).not.toBe(digestOf(['x']));
  });

  it('gives equal rows equal digests', () => {
    expect(digestOf(['a', 1, null, 5n, { k: [1n] }])).toBe(digestOf(['a', 1, undefined, 5n, { k: [1n] }]));
  });
});
