import { describe, expect, it } from 'vitest';
import { buildServedModel } from '../../server/model/model-builder.ts';
import { allocateNames, isValidGraphqlName, sanitizeName } from '../../server/naming.ts';
import type { ServedVersion } from '../../server/registry-view.ts';

describe('sanitizeName', () => {
  it.each([
    ['photos', 'photos'],
    ['my-photos', 'my_photos'],
    ['runs.v2', 'runs_v2'],
    ['2024 runs', '_2024_runs'],
    ['__meta', 'x__meta'],
    ['a--b..c', 'a_b_c'],
    ['', '_'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeName(input)).toBe(expected);
    expect(isValidGraphqlName(sanitizeName(input))).toBe(true);
  });
});

describe('allocateNames', () => {
  it('keeps valid names and suffixes colliding sanitised ones in a documented order', () => {
    const names = allocateNames(['my-photos', 'my_photos', 'my.photos']);
    expect(names.get('my_photos')).toBe('my_photos');
    expect(names.get('my-photos')).toBe('my_photos_2');
    expect(names.get('my.photos')).toBe('my_photos_3');
  });

  it('never lets a derived name collide', () => {
    const derived = (b: string) => [b, `${b}_aggregate`];
    const names = allocateNames(['photos', 'photos_aggregate'], derived);
    expect(names.get('photos')).toBe('photos');
    expect(names.get('photos_aggregate')).toBe('photos_aggregate_2');
  });
});

const version = (name: string, fields: Record<string, unknown>): ServedVersion => ({
  name,
  version: '1.0.0',
  table: `t_${name}`,
  schema: { format: 1, fields } as ServedVersion['schema'],
  rows: 0,
  createdAt: new Date(0),
});

describe('served model names', () => {
  it('gives every dataset distinct root fields, avoiding built-in names', () => {
    const leaf = { type: { kind: 'int' }, nullable: false, optional: false };
    const model = buildServedModel('1', [
      { name: 'photos', versions: [version('photos', { a: leaf })] },
      { name: 'photos_groups', versions: [version('photos_groups', { a: leaf })] },
      { name: 'datasets', versions: [version('datasets', { a: leaf })] },
      { name: 'String', versions: [version('String', { a: leaf })] },
      { name: 'my-data.v1', versions: [version('my-data.v1', { a: leaf })] },
    ]);
    const names = Object.fromEntries(model.datasets.map((d) => [d.name, d.gqlName]));
    expect(names).toEqual({
      photos: 'photos',
      photos_groups: 'photos_groups_2',
      datasets: 'datasets_2',
      String: 'String_2',
      'my-data.v1': 'my_data_v1',
    });
  });

  it('is a pure function of the registry contents', () => {
    const leaf = { type: { kind: 'string' }, nullable: true, optional: false };
    const input = [
      { name: 'b-x', versions: [version('b-x', { n: leaf })] },
      { name: 'b_x', versions: [version('b_x', { n: leaf })] },
    ];
    const one = buildServedModel('1', input).datasets.map((d) => [d.name, d.gqlName]);
    const two = buildServedModel('1', [...input].reverse()).datasets.map((d) => [d.name, d.gqlName]);
    expect(one).toEqual(two);
    expect(one).toEqual([
      ['b_x', 'b_x'],
      ['b-x', 'b_x_2'],
    ]);
  });
});
