import { buildSchema as parseSdl } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SDL_FIXTURE, fixtureModel, printServedSdl } from '../../server/print-sdl.ts';

describe('generated SDL for the fixture registry', () => {
  const sdl = printServedSdl(fixtureModel(DEFAULT_SDL_FIXTURE));

  it('matches the reviewed snapshot (update with vitest -u after an intended change)', async () => {
    await expect(sdl).toMatchFileSnapshot('./sdl/fixture-registry.sdl.txt');
  });

  it('is valid SDL with the Hasura-style names and sanitised dataset names', () => {
    const schema = parseSdl(sdl);
    const query = schema.getQueryType()?.getFields() ?? {};
    expect(Object.keys(query).sort()).toEqual([
      'datasets',
      'photos',
      'photos_aggregate',
      'photos_by_id',
      'photos_diff',
      'photos_groups',
      'photos_nearest',
      'runs_v2_final',
      'runs_v2_final_aggregate',
      'runs_v2_final_by_id',
      'runs_v2_final_diff',
      'runs_v2_final_groups',
    ]);
    expect(String(query.photos?.type)).toBe('[photos!]!');
    // distinct_on: Hasura parity (issue 17).
    expect(query.photos?.args.map((a) => a.name).sort()).toEqual([
      'distinct_on',
      'limit',
      'offset',
      'order_by',
      'version',
      'where',
    ]);
    expect(String(schema.getType('photos_det_box')?.toString())).toBe('photos_det_box');
    // Enum values that are not GraphQL names are sanitised; descriptions come from the schema JSON.
    expect(sdl).toContain('in_between');
    expect(sdl).toMatch(/"""File name"""\s+name: String!/);
    expect(sdl).toMatch(/taken: DateTime\n/);
    expect(sdl).toMatch(/bytes: BigInt!/);
    expect(sdl).toMatch(/emb: \[Float!\]\n/);
    expect(sdl).toMatch(/meta: JSON\n/);
    expect(sdl).toMatch(/steps: \[runs_v2_final_steps_item!\]!/);
  });
});
