import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { type Command, Option } from 'commander';
import type { ExportFormat } from '../../compute/chain/export.ts';
import { BadFlagError } from '../cli-errors.ts';
import { DATA_FLAG_HELP, existingDataDir, WAREHOUSE_FLAG_HELP } from '../data-dir.ts';
import { progressOptions } from '../progress-options.ts';

/** Options of `chainql export` as commander parses them. */
interface ExportCommandOptions {
  version?: string;
  format: ExportFormat;
  out?: string;
  data?: string;
  progress: boolean;
}

/** Rows between two progress updates of an export. */
const PROGRESS_EVERY = 5000;

/** Forwards to stdout without ending it (the writers end their destination when done). */
function stdoutSink(): Writable {
  // `chainql export … | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on('error', (error: { code?: string }) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
  return new Writable({
    write(chunk, _encoding, done) {
      process.stdout.write(chunk, (error) => done(error ?? null));
    },
  });
}

/**
 * `chainql export <dataset> [--version v] --format csv|jsonl|parquet [--out file]`: streams a saved
 * version into a file (or stdout for csv/jsonl) with flat memory, drawing a progress bar on stderr.
 */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .summary('write a saved dataset version to CSV, JSON Lines or Parquet')
    .description(
      'Stream a saved dataset version (the latest unless --version) into a file: rows are read in ' +
        'chunks and written with backpressure, so memory stays flat on large datasets. Nested fields ' +
        'become dot-path CSV columns. Progress goes to stderr: a bar on a terminal, a line every few ' +
        'seconds otherwise. Without --out, csv and jsonl go to stdout.',
    )
    .argument('<dataset>', 'dataset name')
    .option('--warehouse <url>', WAREHOUSE_FLAG_HELP)
    .option('--version <version>', 'version to export (default: the latest)')
    .addOption(
      new Option('--format <format>', 'file format: csv, jsonl or parquet')
        .choices(['csv', 'jsonl', 'parquet'])
        .makeOptionMandatory(),
    )
    .option('--out <file>', 'file to write (default: stdout; parquet needs a file)')
    .option('--data <dir>', DATA_FLAG_HELP)
    .option('--no-progress', 'do not report progress on stderr')
    .addHelpText('after', '\nExample:\n  chainql export photos --format parquet --out photos.parquet')
    .action(async (dataset: string, options: ExportCommandOptions) => {
      if (options.format === 'parquet' && options.out === undefined)
        throw new BadFlagError('--out', 'Parquet cannot be streamed to stdout: pass --out <file>.');
      const dataDir = existingDataDir(options.data, 'Pass --data with the directory holding chainql.db.');
      const out = options.out === undefined ? stdoutSink() : resolve(options.out);
      const { openSession } = await import('../../compute/session.ts');
      const { readDataset } = await import('../../compute/dataset/read-dataset.ts');
      const { exportChain } = await import('../../compute/chain/export.ts');
      const { ProgressBar } = await import('../../compute/udf/progress-bar.ts');
      const session = await openSession({ dataDir });
      try {
        const version = await session.registry.getVersion(dataset, options.version);
        const step = `export ${version.name}@${version.version}`;
        const bar = options.progress ? new ProgressBar(progressOptions()) : undefined;
        const started = performance.now();
        const rate = (done: number): number => done / Math.max(0.001, (performance.now() - started) / 1000);
        bar?.handle({
          type: 'started',
          step,
          kind: 'map',
          total: version.rows,
          concurrency: 1,
          parallel: 1,
          batchSize: PROGRESS_EVERY,
        });
        const chain = readDataset(version.name, { version: version.version, session });
        const written = await exportChain(chain.plan, session, options.format, out, {
          progressEvery: PROGRESS_EVERY,
          onRows: (done) =>
            bar?.handle({
              type: 'batchCommitted',
              step,
              rows: PROGRESS_EVERY,
              outputs: PROGRESS_EVERY,
              errors: 0,
              done,
              total: version.rows,
              rate: rate(done),
              elapsedMs: performance.now() - started,
            }),
        });
        bar?.handle({
          type: 'finished',
          step,
          status: 'succeeded',
          done: written,
          outputs: written,
          errors: 0,
          elapsedMs: performance.now() - started,
          rate: rate(written),
        });
        if (options.out !== undefined)
          process.stderr.write(`wrote ${written} rows of ${version.name}@${version.version} to ${out}\n`);
      } finally {
        await session.close();
      }
    });
}
