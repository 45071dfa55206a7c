import { describe, expect, it } from 'vitest';
import { loadServedModel } from '../../server/model/model-builder.ts';
import type { RegistryView, ServedVersion } from '../../server/registry-view.ts';

describe('served model', () => {
  it('does not serve readStorage listing caches (_listing.*)', async () => {
    const version = {
      name: 'x',
      version: '1.0.0',
      table: 't',
      rows: 1,
      createdAt: new Date(0),
      schema: { format: 1, fields: { a: { type: { kind: 'int' }, nullable: false, optional: false } } },
    } as unknown as ServedVersion;
    const registry: RegistryView = {
      revision: () => 1,
      listDatasets: () => ['photos', '_listing.abc123'],
      listVersions: (name: string) => [{ ...version, name }],
      getVersion: (name: string) => ({ ...version, name }),
    } as unknown as RegistryView;
    const model = await loadServedModel(registry);
    const names = JSON.stringify(model);
    expect(names).toContain('photos');
    expect(names).not.toContain('_listing');
  });
});
