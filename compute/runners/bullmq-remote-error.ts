import { WarehouseUnreachableError } from '../../clients/warehouse/warehouse-errors.ts';
import type { IdRange } from '../checkpoint/partition-task.ts';
import { UdfAbortedError, UdfLoadError, UdfRowError } from '../udf/index.ts';
import type { RemoteError } from './bullmq-partition-job.ts';
import { PartitionFailedError, StepCodeMismatchError } from './runner-errors.ts';

/**
 * Rebuilds the error a worker stored for a failed partition, so the coordinator rejects with the same
 * class the in-process runner would: `UdfRowError` (row id, step, attempts, the UDF's error as cause),
 * `UdfAbortedError`, `UdfLoadError`, `WarehouseUnreachableError` (naming the URL); anything else becomes
 * `PartitionFailedError` carrying the remote code.
 */
export function errorFromRemote(
  remote: RemoteError | undefined,
  range: IdRange,
  failedReason: string,
): Error {
  if (remote?.code === 'UDF_ROW_FAILED' && remote.rowId !== undefined) {
    const cause = remote.cause
      ? Object.assign(new Error(remote.cause.message), {
          name: remote.cause.name,
          ...(remote.cause.code ? { code: remote.cause.code } : {}),
        })
      : new Error(remote.message);
    return new UdfRowError(remote.rowId, remote.step ?? 'udf', remote.attempts ?? 1, cause);
  }
  if (remote?.code === 'UDF_ABORTED') return new UdfAbortedError();
  if (remote?.code === 'UDF_LOAD') return new UdfLoadError(remote.message);
  if (remote?.code === 'STEP_CODE_MISMATCH') return new StepCodeMismatchError(remote.message);
  if (remote?.code === 'WAREHOUSE_UNREACHABLE' && remote.url !== undefined) {
    return new WarehouseUnreachableError(
      remote.url,
      remote.cause
        ? { cause: Object.assign(new Error(remote.cause.message), { name: remote.cause.name }) }
        : {},
    );
  }
  return new PartitionFailedError(
    range.from,
    range.to,
    remote?.code,
    remote?.name ?? 'Error',
    remote?.message ?? (failedReason || 'unknown error'),
  );
}
