import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  definePipeline,
  loadPipelineConfig,
  PipelineConfigError,
  PipelineInputError,
  PipelineNotFoundError,
  PipelineRegistry,
  parsePipelineInput,
} from '../../../compute/pipelines/index.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('pipeline config modules', () => {
  it('reads `export default { pipelines }`, a named `pipelines` export, or pipeline exports', async () => {
    expect((await loadPipelineConfig(fixture('chainql.config.ts'))).list().map((p) => p.name)).toEqual([
      'squares',
      'unlucky',
    ]);
    expect((await loadPipelineConfig(fixture('named-config.ts'))).list().map((p) => p.name)).toEqual([
      'first',
      'second',
    ]);
    expect((await loadPipelineConfig(fixture('loose-config.ts'))).list().map((p) => p.name)).toEqual([
      'alpha',
      'beta',
    ]);
  });

  it('a missing config is empty unless required; CHAINQL_CONFIG names the default path', async () => {
    expect((await loadPipelineConfig(fixture('absent.config.ts'))).list()).toEqual([]);
    await expect(loadPipelineConfig(fixture('absent.config.ts'), { required: true })).rejects.toBeInstanceOf(
      PipelineConfigError,
    );
    const saved = process.env.CHAINQL_CONFIG;
    process.env.CHAINQL_CONFIG = fixture('loose-config.ts');
    try {
      expect((await loadPipelineConfig()).list()).toHaveLength(2);
    } finally {
      if (saved === undefined) delete process.env.CHAINQL_CONFIG;
      else process.env.CHAINQL_CONFIG = saved;
    }
  });

  it('rejects names that cannot be GraphQL mutations, and duplicate names; unknown names list the known ones', () => {
    const input = z.object({});
    const run = () => {
      throw new Error('not run');
    };
    expect(() => definePipeline({ name: 'bad-name', input, output: 'x', run })).toThrow(PipelineConfigError);
    // The server's own mutations keep their names (a pipeline would silently replace or be replaced).
    for (const name of ['cancel_job', 'resume_job', 'delete_dataset'])
      expect(() => definePipeline({ name, input, output: 'x', run })).toThrow(
        `Pipeline name '${name}' is taken by the API's own mutation of that name; pick another.`,
      );
    const p = definePipeline({ name: 'ok', input, output: 'x', run });
    expect(() => new PipelineRegistry([p, p])).toThrow(/Two pipelines are named 'ok'/);
    expect(() => new PipelineRegistry([p]).get('nope')).toThrow(PipelineNotFoundError);
    expect(() => new PipelineRegistry([p]).get('nope')).toThrow(/registered: ok/);
  });

  it('input errors carry BAD_USER_INPUT and the dot path of the first bad field', () => {
    const p = definePipeline({
      name: 'nested',
      input: z.object({ source: z.object({ bucket: z.string(), limit: z.int().positive() }) }),
      output: 'x',
      run: () => {
        throw new Error('not run');
      },
    });
    const error = (() => {
      try {
        parsePipelineInput(p, { source: { bucket: 'b', limit: -1 } });
      } catch (e) {
        return e;
      }
    })() as PipelineInputError;
    expect(error).toBeInstanceOf(PipelineInputError);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.field).toBe('source.limit');
    expect(parsePipelineInput(p, { source: { bucket: 'b', limit: 3 } })).toEqual({
      source: { bucket: 'b', limit: 3 },
    });
  });
});
