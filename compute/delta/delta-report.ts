import type { DeltaReport } from '../chain/delta-report.ts';

// The report types belong to the chain's settings contract (`settings({ onDelta })`); re-exported here beside
// the default listener.
export type { DeltaFullReason, DeltaReport } from '../chain/delta-report.ts';

/** The default `onDelta`: one line on stderr. */
export function logDelta(report: DeltaReport): void {
  process.stderr.write(`chainql: ${describeDelta(report)}\n`);
}

/** One line describing a report. */
export function describeDelta(report: DeltaReport): string {
  switch (report.mode) {
    case 'delta':
      return (
        `delta save of '${report.dataset}' from ${report.previous}: ${report.processed} source row(s) ` +
        `processed, ${report.kept} row(s) kept, ${report.dropped} dropped`
      );
    case 'full':
      return `delta save of '${report.dataset}' runs in full: ${report.message}`;
    case 'unchanged':
      return `delta save of '${report.dataset}': nothing changed since ${report.previous}`;
  }
}
