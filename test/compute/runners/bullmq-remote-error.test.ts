import { describe, expect, it } from 'vitest';
import { WarehouseUnreachableError } from '../../../clients/warehouse/warehouse-errors.ts';
import { errorFromRemote } from '../../../compute/runners/bullmq-remote-error.ts';
import { PartitionFailedError } from '../../../compute/runners/runner-errors.ts';

describe('errorFromRemote', () => {
  it('rebuilds an unreachable warehouse as WarehouseUnreachableError naming its URL and the network error', () => {
    const error = errorFromRemote(
      {
        name: 'WarehouseUnreachableError',
        code: 'WAREHOUSE_UNREACHABLE',
        message:
          'The warehouse at http://ch.internal:8123 is unreachable: connect ECONNREFUSED 10.0.0.5:8123.',
        url: 'http://ch.internal:8123',
        cause: { name: 'Error', message: 'connect ECONNREFUSED 10.0.0.5:8123' },
      },
      { from: 1, to: 5000 },
      'attempts exhausted',
    );
    expect(error).toBeInstanceOf(WarehouseUnreachableError);
    expect((error as WarehouseUnreachableError).code).toBe('WAREHOUSE_UNREACHABLE');
    expect((error as WarehouseUnreachableError).url).toBe('http://ch.internal:8123');
    expect(error.message).toBe(
      'The warehouse at http://ch.internal:8123 is unreachable: connect ECONNREFUSED 10.0.0.5:8123.',
    );
  });

  it('keeps other remote codes on PartitionFailedError', () => {
    const error = errorFromRemote(
      { name: 'WarehouseError', code: 'WAREHOUSE_ERROR', message: 'boom' },
      { from: 1, to: 9 },
      '',
    );
    expect(error).toBeInstanceOf(PartitionFailedError);
    expect((error as PartitionFailedError).remoteCode).toBe('WAREHOUSE_ERROR');
    expect(error.message).toContain('1..9');
  });
});
