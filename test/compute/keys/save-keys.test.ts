import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { C, readDataset, readRecords, UnknownColumnError } from '../../../compute/index.ts';
import { DuplicateKeyError, indexName, KeyDeclarationError } from '../../../compute/keys/index.ts';
import { tempSession, WAREHOUSES } from '../../helpers/temp-session.ts';
import { Photo, photos, schemaObjects, tableIndexes } from './key-test-data.ts';

describe.each(WAREHOUSES)('on %s', (warehouse) => {
  let session: Awaited<ReturnType<typeof tempSession>>;
  beforeAll(async () => {
    session = await tempSession(warehouse);
  });
  afterAll(async () => {
    await session.cleanup();
  });

  let counter = 0;
  const fresh = (prefix: string) => `${prefix}_${++counter}`;
  const save = (
    rows: Photo[],
    name: string,
    options: Parameters<ReturnType<typeof readRecords>['save']>[1] = {},
  ) => readRecords(rows, Photo, { session }).save(name, options);

  describe('declaring keys at save time', () => {
    it('a single-field key becomes a unique index and is stored with the version', async () => {
      const name = fresh('single');
      const saved = await save(photos(10), name, { primaryKey: ['rid'] });
      expect(saved.primaryKey).toEqual(['rid']);
      expect((await session.registry.getVersion(name)).primaryKey).toEqual(['rid']);
      expect(await tableIndexes(session, saved.table)).toEqual([
        { name: indexName(saved.table, ['rid'], true), unique: true, columns: ['rid'] },
      ]);
    });

    it('composite keys with nested paths and nested secondary indexes', async () => {
      const name = fresh('composite');
      // Same source twice and same path twice, but never the same (source, file.path) pair.
      const saved = await save(photos(20), name, {
        primaryKey: ['source', 'file.path'],
        indexes: [['det.label'], ['det.confidence', 'file.size']],
      });
      const listed = (await session.registry.listVersions(name))[0]!;
      expect(listed.primaryKey).toEqual(['source', 'file.path']);
      expect(listed.indexes).toEqual([['det.label'], ['det.confidence', 'file.size']]);
      const indexes = await tableIndexes(session, saved.table);
      expect(indexes.map(({ unique, columns }) => ({ unique, columns }))).toEqual(
        expect.arrayContaining([
          { unique: true, columns: ['source', 'file__path'] },
          { unique: false, columns: ['det__label'] },
          { unique: false, columns: ['det__confidence', 'file__size'] },
        ]),
      );
      expect(indexes).toHaveLength(3);
      // The rows are all there and readable through a chain on the nested key.
      const hit = await readDataset(name, { session }).filter(C('file.path').eq('img/3.jpg')).collect();
      expect(hit.map((row) => row.rid).sort()).toEqual(['r6', 'r7']);
    });

    it('a composite key allows repeats of each part alone but not of the whole', async () => {
      const name = fresh('composite_dup');
      const rows = photos(4);
      rows[3] = { ...rows[3]!, source: rows[1]!.source, file: { ...rows[1]!.file } };
      const error = await save(rows, name, { primaryKey: ['source', 'file.path'] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DuplicateKeyError);
      expect((error as DuplicateKeyError).value).toEqual({ source: 'gcs', 'file.path': 'img/0.jpg' });
      expect((error as DuplicateKeyError).message).toContain('(source, file.path) = ("gcs", "img/0.jpg")');
    });
  });

  describe('duplicate keys', () => {
    it('fail naming dataset, key and one value; nothing is created and earlier versions stay readable', async () => {
      const name = fresh('dups');
      const v1 = await save(photos(5), name, { primaryKey: ['rid'] });
      const before = await schemaObjects(session);
      const rows = [...photos(5, 100), { ...photos(1, 102)[0]! }];
      const error = await save(rows, name).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DuplicateKeyError);
      const dup = error as DuplicateKeyError;
      expect(dup.code).toBe('DUPLICATE_KEY');
      expect(dup.dataset).toBe(name);
      expect(dup.fields).toEqual(['rid']);
      expect(dup.value).toEqual({ rid: 'r102' });
      expect(dup.count).toBe(2);
      expect(dup.message).toContain(name);
      expect(dup.message).toContain('(rid) = "r102"');
      // No version, no leftover table or index, previous version intact.
      expect((await session.registry.listVersions(name)).map((v) => v.version)).toEqual([v1.version]);
      expect(await schemaObjects(session)).toEqual(before);
      const kept = await readDataset(name, { session }).collect();
      expect(kept.map((row) => row.rid)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    });

    it('duplicates on a first save leave no dataset behind', async () => {
      const name = fresh('dups_first');
      const before = await schemaObjects(session);
      const rows = [...photos(3), photos(1)[0]!];
      await expect(save(rows, name, { primaryKey: ['rid'] })).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await schemaObjects(session)).toEqual(before);
      expect((await session.registry.listDatasets()).map((d) => d.name)).not.toContain(name);
    });

    it('report datetime and bigint keys rehydrated', async () => {
      const name = fresh('dups_typed');
      const Event = z.object({ at: z.date(), seq: z.bigint() });
      const at = new Date('2024-05-01T10:00:00.000Z');
      const rows = [
        { at, seq: 9007199254740993n },
        { at, seq: 9007199254740993n },
        { at, seq: 1n },
      ];
      const error = await readRecords(rows, Event, { session })
        .save(name, { primaryKey: ['at', 'seq'] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DuplicateKeyError);
      expect((error as DuplicateKeyError).value).toEqual({ at, seq: 9007199254740993n });
      expect((error as DuplicateKeyError).message).toContain('"2024-05-01T10:00:00.000Z", 9007199254740993');
    });
  });

  describe('invalid key fields are rejected before any data is written', () => {
    it.each([
      ['note', /nullable/],
      ['meta.camera', /nullable/],
      ['tags', /type array/],
      ['det', /is an object.*'det\.label'/],
    ])('primary key %s', async (field, message) => {
      const name = fresh('invalid');
      const base = `base_${counter}`;
      await save(photos(3), base);
      const before = await schemaObjects(session);
      // A chain over a saved dataset materialises nothing: the check must run before the table exists.
      const error = await readDataset(base, { session })
        .filter(C('file.size').gt(0))
        .save(name, { primaryKey: ['rid', field] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeyDeclarationError);
      expect((error as KeyDeclarationError).code).toBe('INVALID_KEY');
      expect((error as KeyDeclarationError).field).toBe(field);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain(`'${field}'`);
      expect(await schemaObjects(session)).toEqual(before);
      expect((await session.registry.listDatasets()).map((d) => d.name)).not.toContain(name);
    });

    it('a nullable key on in-memory rows leaves no table either', async () => {
      const name = fresh('invalid_records');
      const before = await schemaObjects(session);
      await expect(save(photos(3), name, { primaryKey: ['note'] })).rejects.toThrow(
        /Primary key field 'note'.*nullable/,
      );
      expect(await schemaObjects(session)).toEqual(before);
    });

    it('an unknown path suggests the closest fields', async () => {
      const name = fresh('unknown');
      const error = await save(photos(2), name, { primaryKey: ['file.pth'] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnknownColumnError);
      expect((error as UnknownColumnError).suggestions).toContain('file.path');
    });

    it('nullable fields may be indexed, arrays may not', async () => {
      const name = fresh('index_nullable');
      const saved = await save(photos(5), name, { indexes: [['note']] });
      expect((await tableIndexes(session, saved.table)).map((i) => i.columns)).toEqual([['note']]);
      await expect(save(photos(5), fresh('index_array'), { indexes: [['tags']] })).rejects.toBeInstanceOf(
        KeyDeclarationError,
      );
    });
  });

  describe('declarations across versions', () => {
    it('the next version inherits the key and indexes, and gets the indexes built', async () => {
      const name = fresh('inherit');
      await save(photos(5), name, { primaryKey: ['rid'], indexes: [['det.label']] });
      const v2 = await save(photos(6, 10), name);
      expect(v2.version).toBe('1.0.1');
      expect(v2.primaryKey).toEqual(['rid']);
      expect(v2.indexes).toEqual([['det.label']]);
      expect((await tableIndexes(session, v2.table)).map((i) => [i.unique, i.columns])).toEqual(
        expect.arrayContaining([
          [true, ['rid']],
          [false, ['det__label']],
        ]),
      );
      // An inherited key is enforced too.
      await expect(save([...photos(2, 50), ...photos(1, 50)], name)).rejects.toBeInstanceOf(
        DuplicateKeyError,
      );
    });

    it('an inherited field missing from the new schema is a clear error naming field and version', async () => {
      const name = fresh('inherit_missing');
      await save(photos(3), name, { primaryKey: ['rid'] });
      const Renamed = z.object({ id: z.string(), source: z.string() });
      const before = await schemaObjects(session);
      const error = await readRecords([{ id: 'a', source: 's' }], Renamed, { session })
        .save(name)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeyDeclarationError);
      const invalid = error as KeyDeclarationError;
      expect(invalid.field).toBe('rid');
      expect(invalid.inheritedFrom).toBe('1.0.0');
      expect(invalid.message).toContain("'rid'");
      expect(invalid.message).toContain('inherited from version 1.0.0');
      expect(invalid.message).toContain('primaryKey: null');
      expect(await schemaObjects(session)).toEqual(before);

      // Declaring a new key, or clearing it, lets the save through.
      const cleared = await readRecords([{ id: 'a', source: 's' }], Renamed, { session }).save(name, {
        primaryKey: null,
      });
      expect(cleared.primaryKey).toBeUndefined();
      expect(await tableIndexes(session, cleared.table)).toEqual([]);
      const redeclared = await readRecords([{ id: 'b', source: 's' }], Renamed, { session }).save(name, {
        primaryKey: ['id'],
      });
      expect(redeclared.primaryKey).toEqual(['id']);
    });

    it('an inherited key field that became nullable is rejected, mentioning the inheritance', async () => {
      const name = fresh('inherit_nullable');
      await save(photos(2), name, { primaryKey: ['source'], indexes: [] });
      const Looser = z.object({ source: z.string().nullable() });
      await expect(readRecords([{ source: null }], Looser, { session }).save(name)).rejects.toThrow(
        /'source'.*nullable.*inherited from version 1\.0\.0/,
      );
    });

    it('indexes: [] clears the indexes but keeps the inherited key; primaryKey: [] clears the key', async () => {
      const name = fresh('clear');
      await save(photos(3), name, { primaryKey: ['rid'], indexes: [['det.label'], ['source']] });
      const v2 = await save(photos(3, 3), name, { indexes: [] });
      expect(v2.primaryKey).toEqual(['rid']);
      expect(v2.indexes).toBeUndefined();
      expect((await tableIndexes(session, v2.table)).map((i) => i.columns)).toEqual([['rid']]);
      const v3 = await save(photos(3, 6), name, { primaryKey: [] });
      expect(v3.primaryKey).toBeUndefined();
      expect(await tableIndexes(session, v3.table)).toEqual([]);
      // Nothing to inherit any more.
      const v4 = await save([...photos(2, 9), ...photos(2, 9)], name);
      expect(v4.primaryKey).toBeUndefined();
      expect(v4.rows).toBe(4);
    });

    it('re-saving the same chain with a different declaration builds a new version', async () => {
      const name = fresh('same_hash');
      const rows = photos(4);
      const v1 = await save(rows, name);
      expect(await save(rows, name)).toEqual(v1);
      const v2 = await save(rows, name, { primaryKey: ['rid'] });
      expect(v2.version).toBe('1.0.1');
      expect(v2.primaryKey).toEqual(['rid']);
      // Same chain, same (inherited or restated) declaration: the existing version comes back.
      expect((await save(rows, name, { primaryKey: ['rid'] })).version).toBe('1.0.1');
    });
  });
});
