import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetRegistry } from '../../../compute/registry/dataset-registry.ts';
import type { CreateVersionInput } from '../../../compute/registry/dataset-version.ts';
import {
  DatasetNotFoundError,
  InvalidDatasetNameError,
  InvalidVersionError,
  TableInUseError,
  VersionExistsError,
  VersionNotFoundError,
} from '../../../compute/registry/registry-errors.ts';
import type { DatasetSchema } from '../../../schema/record/field-type.ts';
import { useTempWarehouses } from '../../clients/warehouse/sqlite/temp-warehouse.ts';

const temp = useTempWarehouses();

const SCHEMA: DatasetSchema = {
  format: 1,
  fields: {
    name: { type: { kind: 'string' }, nullable: false, optional: false },
    det: {
      type: {
        kind: 'object',
        fields: {
          confidence: { type: { kind: 'float' }, nullable: true, optional: true, description: 'score' },
        },
      },
      nullable: false,
      optional: false,
    },
  },
};

async function openRegistry(path?: string) {
  const warehouse = await temp.open(path === undefined ? {} : { path });
  return { warehouse, registry: await DatasetRegistry.open(warehouse) };
}

/** Creates a real table for the version (so delete has something to drop) and registers it. */
async function save(
  registry: DatasetRegistry,
  input: Omit<CreateVersionInput, 'table' | 'schema' | 'rows'> & Partial<CreateVersionInput>,
) {
  const table = input.table ?? (await registry.reserveTableName(input.name));
  if (!(await registry.warehouse.tableExists(table))) {
    await registry.warehouse.createTable(table, [{ name: 'name', sqlType: 'TEXT', nullable: false }]);
  }
  return registry.createVersion({ schema: SCHEMA, rows: 0, ...input, table });
}

describe('DatasetRegistry versions', () => {
  it('numbers versions 1.0.0, then patch bumps; explicit versions are kept', async () => {
    const { registry } = await openRegistry();
    expect((await save(registry, { name: 'photos' })).version).toBe('1.0.0');
    expect((await save(registry, { name: 'photos' })).version).toBe('1.0.1');
    expect((await save(registry, { name: 'photos', version: '2.0.0' })).version).toBe('2.0.0');
    expect((await save(registry, { name: 'photos' })).version).toBe('2.0.1');
    expect((await save(registry, { name: 'photos', version: '1.5.0' })).version).toBe('1.5.0'); // lower is fine
    expect((await save(registry, { name: 'photos', version: '10.0.0' })).version).toBe('10.0.0');
    const versions = (await registry.listVersions('photos')).map((v) => v.version);
    expect(versions).toEqual(['1.0.0', '1.0.1', '1.5.0', '2.0.0', '2.0.1', '10.0.0']); // semver, not string order
    expect((await registry.getVersion('photos')).version).toBe('10.0.0');
    expect((await save(registry, { name: 'photos' })).version).toBe('10.0.1');
  });

  it('rejects a duplicate or malformed explicit version and an already used table', async () => {
    const { registry } = await openRegistry();
    const first = await save(registry, { name: 'a', version: '1.2.3' });
    await expect(save(registry, { name: 'a', version: '1.2.3' })).rejects.toBeInstanceOf(VersionExistsError);
    await expect(save(registry, { name: 'a', version: 'v1.2' })).rejects.toBeInstanceOf(InvalidVersionError);
    await expect(save(registry, { name: 'a', version: ' 1.2.4' })).rejects.toMatchObject({
      code: 'INVALID_VERSION',
    });
    await expect(save(registry, { name: 'b', table: first.table })).rejects.toBeInstanceOf(TableInUseError);
    expect((await registry.listVersions('a')).map((v) => v.version)).toEqual(['1.2.3']);
    await expect(registry.listVersions('b')).rejects.toBeInstanceOf(DatasetNotFoundError);
  });

  it('round-trips every stored field: schema JSON, rows, createdAt, chainHash, lineage, keys', async () => {
    const { registry } = await openRegistry();
    const source = await save(registry, { name: 'raw' });
    const createdAt = new Date('2026-01-02T03:04:05.678Z');
    const saved = await save(registry, {
      name: 'enriched',
      rows: 1234,
      createdAt,
      chainHash: 'abc123',
      lineage: [{ dataset: 'raw', version: source.version }, 's3://bucket/images/'],
      description: 'Detections per photo',
      primaryKey: ['name', 'det.confidence'],
      indexes: [['det.confidence'], ['name']],
    });
    const read = await registry.getVersion('enriched', '1.0.0');
    expect(read).toEqual(saved);
    expect(read).toEqual({
      name: 'enriched',
      version: '1.0.0',
      table: saved.table,
      schema: SCHEMA,
      rows: 1234,
      createdAt,
      chainHash: 'abc123',
      lineage: [{ dataset: 'raw', version: '1.0.0' }, 's3://bucket/images/'],
      description: 'Detections per photo',
      primaryKey: ['name', 'det.confidence'],
      indexes: [['det.confidence'], ['name']],
    });
    const plain = await registry.getVersion('raw');
    expect(plain.lineage).toEqual([]);
    expect(
      'chainHash' in plain || 'description' in plain || 'primaryKey' in plain || 'indexes' in plain,
    ).toBe(false);
  });

  it('finds the latest version made by a chain hash', async () => {
    const { registry } = await openRegistry();
    await save(registry, { name: 'x', chainHash: 'h1' });
    await save(registry, { name: 'x', chainHash: 'h2' });
    await save(registry, { name: 'x', chainHash: 'h1', version: '3.0.0' });
    expect((await registry.findVersionByHash('x', 'h1'))?.version).toBe('3.0.0');
    expect((await registry.findVersionByHash('x', 'h2'))?.version).toBe('1.0.1');
    expect(await registry.findVersionByHash('x', 'nope')).toBeUndefined();
    expect(await registry.findVersionByHash('missing', 'h1')).toBeUndefined();
  });
});

describe('DatasetRegistry listing and deleting', () => {
  it('lists datasets with latest version, count and newest description', async () => {
    const { registry } = await openRegistry();
    expect(await registry.listDatasets()).toEqual([]);
    await save(registry, { name: 'b', description: 'old text' });
    await save(registry, { name: 'b', description: 'new text' });
    await save(registry, { name: 'b' });
    await save(registry, { name: 'a' });
    expect(await registry.listDatasets()).toEqual([
      { name: 'a', latestVersion: '1.0.0', versionCount: 1 },
      { name: 'b', description: 'new text', latestVersion: '1.0.2', versionCount: 3 },
    ]);
  });

  it('deletes a version and its table; deleting the last version removes the dataset', async () => {
    const { registry, warehouse } = await openRegistry();
    const v1 = await save(registry, { name: 'd' });
    const v2 = await save(registry, { name: 'd' });
    expect((await registry.deleteVersion('d', '1.0.1')).table).toBe(v2.table);
    expect(await warehouse.tableExists(v2.table)).toBe(false);
    expect(await warehouse.tableExists(v1.table)).toBe(true);
    expect((await registry.getVersion('d')).version).toBe('1.0.0');
    await expect(registry.deleteVersion('d', '1.0.1')).rejects.toBeInstanceOf(VersionNotFoundError);
    await registry.deleteVersion('d', '1.0.0');
    expect(await warehouse.tableExists(v1.table)).toBe(false);
    expect(await registry.listDatasets()).toEqual([]);
    await expect(registry.getVersion('d')).rejects.toBeInstanceOf(DatasetNotFoundError);
    // A dataset created again starts over at 1.0.0.
    expect((await save(registry, { name: 'd' })).version).toBe('1.0.0');
  });

  it('missing dataset / version errors list what exists', async () => {
    const { registry } = await openRegistry();
    await expect(registry.getVersion('ghost')).rejects.toThrow(
      "Dataset 'ghost' does not exist. No datasets exist yet.",
    );
    for (let i = 0; i < 25; i++) await save(registry, { name: `ds${String(i).padStart(2, '0')}` });
    await save(registry, { name: 'ds00' });
    const error = await registry.getVersion('ghost').catch((e) => e);
    expect(error).toBeInstanceOf(DatasetNotFoundError);
    expect(error.code).toBe('DATASET_NOT_FOUND');
    expect(error.message).toContain('ds00, ds01, ds02');
    expect(error.message).toContain('ds19 (and 5 more)');
    expect(error.message).not.toContain('ds20');
    expect(error.existing).toHaveLength(25);
    const missing = await registry.getVersion('ds00', '9.9.9').catch((e) => e);
    expect(missing).toBeInstanceOf(VersionNotFoundError);
    expect(missing.code).toBe('VERSION_NOT_FOUND');
    expect(missing.message).toBe(
      "Dataset 'ds00' has no version '9.9.9'. Existing versions of 'ds00': 1.0.0, 1.0.1.",
    );
    await expect(registry.getVersion('ghost', '1.0.0')).rejects.toBeInstanceOf(DatasetNotFoundError);
  });
});

describe('DatasetRegistry names, tables and revisions', () => {
  it('accepts documented names and rejects others before touching the warehouse', async () => {
    const { registry } = await openRegistry();
    for (const ok of ['photos', '_x', 'llm.responses', 'image-embeddings', 'A1_b.c-d']) {
      expect((await save(registry, { name: ok })).name).toBe(ok);
    }
    for (const bad of [
      '',
      '1abc',
      '-x',
      '.x',
      'a b',
      'a/b',
      "x'; DROP TABLE chainql_versions; --",
      'é',
      'a'.repeat(129),
    ]) {
      await expect(
        registry.createVersion({ name: bad, table: 't', schema: SCHEMA, rows: 0 }),
      ).rejects.toBeInstanceOf(InvalidDatasetNameError);
      await expect(registry.reserveTableName(bad)).rejects.toBeInstanceOf(InvalidDatasetNameError);
    }
    await expect(registry.getVersion('a b')).rejects.toMatchObject({ code: 'INVALID_DATASET_NAME' });
    expect((await registry.listDatasets()).length).toBe(5);
  });

  it('reserves fresh, distinct table names derived from the dataset name', async () => {
    const { registry } = await openRegistry();
    const names = new Set<string>();
    for (let i = 0; i < 50; i++) names.add(await registry.reserveTableName('LLM.Responses-v2'));
    expect(names.size).toBe(50);
    for (const n of names) expect(n).toMatch(/^ds_llm_responses_v2_[a-z0-9]+$/);
  });

  it('revision increases on create and delete, and is seen by another registry on the same file', async () => {
    const path = join(temp.dir(), 'shared.db');
    const a = await openRegistry(path);
    const b = await openRegistry(path);
    const r0 = await b.registry.revision();
    await save(a.registry, { name: 'x' });
    const r1 = await b.registry.revision();
    expect(r1).toBeGreaterThan(r0);
    await save(b.registry, { name: 'x' });
    const r2 = await a.registry.revision();
    expect(r2).toBeGreaterThan(r1);
    expect((await a.registry.getVersion('x')).version).toBe('1.0.1');
    await a.registry.deleteVersion('x', '1.0.0');
    expect(await b.registry.revision()).toBeGreaterThan(r2);
    // Reads do not change it.
    const r3 = await b.registry.revision();
    await b.registry.listDatasets();
    await b.registry.getVersion('x');
    expect(await b.registry.revision()).toBe(r3);
  });

  it('concurrent default-version saves from two registries get distinct versions', async () => {
    const path = join(temp.dir(), 'race.db');
    const a = await openRegistry(path);
    const b = await openRegistry(path);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => save(i % 2 === 0 ? a.registry : b.registry, { name: 'race' })),
    );
    const versions = results.map((r) => r.version).sort();
    expect(new Set(versions).size).toBe(10);
    expect((await a.registry.listVersions('race')).length).toBe(10);
  });

  it('opens read-only on an existing registry and serves reads', async () => {
    const path = join(temp.dir(), 'ro.db');
    const writer = await openRegistry(path);
    await save(writer.registry, { name: 'served', description: 'x' });
    const roWarehouse = await temp.open({ path, readonly: true });
    const ro = await DatasetRegistry.open(roWarehouse);
    expect((await ro.getVersion('served')).version).toBe('1.0.0');
    expect(await ro.revision()).toBe(await writer.registry.revision());
    await expect(ro.deleteVersion('served', '1.0.0')).rejects.toMatchObject({ code: 'WAREHOUSE_ERROR' });
  });

  it('reopening keeps everything; metadata from a newer chainql is refused', async () => {
    const path = join(temp.dir(), 'reopen.db');
    const first = await openRegistry(path);
    await save(first.registry, { name: 'kept' });
    const again = await openRegistry(path);
    expect((await again.registry.getVersion('kept')).version).toBe('1.0.0');
    await again.warehouse.execute({
      sql: "UPDATE chainql_meta SET value = 99 WHERE key = 'schema_version'",
      parameters: [],
    });
    await expect(DatasetRegistry.open(again.warehouse)).rejects.toMatchObject({ code: 'REGISTRY_METADATA' });
  });
});
