import { describe, expect, it } from 'vitest';
import { declarationMatches, KeyDeclarationError, resolveKeysFrom } from '../../../compute/keys/index.ts';
import type { DatasetVersion } from '../../../compute/registry/dataset-registry.ts';
import { fromZod } from '../../../schema/record/index.ts';
import { Photo } from './key-test-data.ts';

const schema = fromZod(Photo);
const previous = (decl: Pick<DatasetVersion, 'primaryKey' | 'indexes'>): DatasetVersion => ({
  name: 'p',
  version: '1.4.2',
  table: 't',
  schema,
  rows: 0,
  createdAt: new Date(0),
  lineage: [],
  ...decl,
});

describe('resolving a declaration', () => {
  it('explicit options win over the previous version, each option on its own', () => {
    const prev = previous({ primaryKey: ['rid'], indexes: [['source']] });
    const keys = resolveKeysFrom(prev, 'p', schema, { indexes: [['det.label']] });
    expect(keys.declaration).toEqual({ primaryKey: ['rid'], indexes: [['det.label']] });
    expect(keys.primaryKey?.columns.map((c) => c.name)).toEqual(['rid']);
    expect(keys.indexes.map((i) => i.columns.map((c) => c.name))).toEqual([['det__label']]);
  });

  it('repeated index lists are kept once', () => {
    const keys = resolveKeysFrom(undefined, 'p', schema, {
      indexes: [['source'], ['source'], ['det.label']],
    });
    expect(keys.declaration.indexes).toEqual([['source'], ['det.label']]);
  });

  it('a field listed twice in one key, or an empty index, is an INVALID_KEY error', () => {
    expect(() => resolveKeysFrom(undefined, 'p', schema, { primaryKey: ['rid', 'rid'] })).toThrow(
      /'rid' twice/,
    );
    const error = (() => {
      try {
        resolveKeysFrom(undefined, 'p', schema, { indexes: [[]] });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(KeyDeclarationError);
    expect((error as KeyDeclarationError).code).toBe('INVALID_KEY');
  });

  it('inherited problems name the version they came from', () => {
    const prev = previous({ indexes: [['gone']] });
    expect(() => resolveKeysFrom(prev, 'p', schema, {})).toThrow(
      /'gone'.*inherited from version 1\.4\.2.*indexes: \[\]/,
    );
  });

  it('no declaration anywhere resolves to nothing', () => {
    expect(resolveKeysFrom(undefined, 'p', schema, {}).declaration).toEqual({});
    expect(
      resolveKeysFrom(previous({ primaryKey: ['rid'] }), 'p', schema, { primaryKey: null }).declaration,
    ).toEqual({});
  });
});

describe('reusing a version with the same chain hash', () => {
  it('only when the explicitly requested declaration equals the stored one', () => {
    const stored = { primaryKey: ['rid'], indexes: [['source']] };
    expect(declarationMatches(stored, {})).toBe(true);
    expect(declarationMatches(stored, { primaryKey: ['rid'] })).toBe(true);
    expect(declarationMatches(stored, { indexes: [['source'], ['source']] })).toBe(true);
    expect(declarationMatches(stored, { primaryKey: ['source'] })).toBe(false);
    expect(declarationMatches(stored, { primaryKey: null })).toBe(false);
    expect(declarationMatches(stored, { indexes: [] })).toBe(false);
    expect(declarationMatches({}, { primaryKey: [], indexes: null })).toBe(true);
  });
});
