import { afterEach, describe, expect, it, vi } from 'vitest';
import { startOrSkip } from '../../fakes/emulators.ts';

const failing = () => Promise.reject(new Error('port in use'));

describe('emulator start policy', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('with CI=true a service that cannot start fails the run', async () => {
    vi.stubEnv('CI', 'true');
    await expect(startOrSkip('s3rver', failing)).rejects.toThrow(/s3rver could not start \(CI=true/);
  });

  it('outside CI the tests of that service are skipped (undefined), with a warning', async () => {
    vi.stubEnv('CI', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await startOrSkip('azurite', failing)).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('azurite unavailable'));
  });
});
