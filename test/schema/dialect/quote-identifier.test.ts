import { describe, expect, it } from 'vitest';
import { InvalidIdentifierError, quoteIdentifier, quoteIdentifiers } from '../../../schema/dialect/index.ts';
import { useTempWarehouses } from '../../clients/warehouse/sqlite/temp-warehouse.ts';

const temp = useTempWarehouses();

describe('quoteIdentifier (the one quoter for compilers and warehouse DDL/DML)', () => {
  it('quotes per dialect, escaping the quote character', () => {
    expect(quoteIdentifier('sqlite', 'det__confidence')).toBe('"det__confidence"');
    expect(quoteIdentifier('sqlite', 'a"b')).toBe('"a""b"');
    expect(quoteIdentifier('clickhouse', 'a`b\\c')).toBe('`a\\`b\\\\c`');
    expect(quoteIdentifiers('sqlite', ['x', 'y z'])).toBe('"x", "y z"');
    expect(quoteIdentifiers('clickhouse', ['x', 'y'])).toBe('`x`, `y`');
  });

  it('refuses empty names and names with NUL, in both dialects', () => {
    for (const dialect of ['sqlite', 'clickhouse'] as const) {
      expect(() => quoteIdentifier(dialect, '')).toThrow(InvalidIdentifierError);
      expect(() => quoteIdentifier(dialect, 'a\u0000b')).toThrow(/Invalid SQL identifier "a\\u0000b"/);
    }
  });

  it('the SQLite warehouse creates, fills, indexes and renames tables with hostile names through it', async () => {
    const w = await temp.open();
    const table = 'we"ird; DROP TABLE x; --';
    await w.createTable(table, [
      { name: 'a"b', sqlType: 'INTEGER', nullable: false },
      { name: 'c d', sqlType: 'TEXT', nullable: true },
    ]);
    await w.createIndex(table, { name: 'ix"1', columns: ['a"b', 'c d'], unique: true });
    await w.insert(
      table,
      ['a"b', 'c d'],
      [
        [1, 'one'],
        [2, null],
      ],
    );
    await w.renameTable(table, 'renamed"');
    const rows = await w.query({
      sql: `SELECT ${quoteIdentifiers('sqlite', ['a"b', 'c d'])} FROM ${quoteIdentifier('sqlite', 'renamed"')} ORDER BY 1`,
      parameters: [],
    });
    expect(rows).toEqual([
      { 'a"b': 1, 'c d': 'one' },
      { 'a"b': 2, 'c d': null },
    ]);
  });
});
