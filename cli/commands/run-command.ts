import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { ChainqlError } from '../../schema/errors.ts';
import { WAREHOUSE_FLAG_HELP } from '../data-dir.ts';
import { progressOptions } from '../progress-options.ts';

/** `chainql run` was given a path that does not exist. */
export class ScriptNotFoundError extends ChainqlError {
  constructor(readonly path: string) {
    super('SCRIPT_NOT_FOUND', `Script not found: ${path}`);
  }
}

/** The script could not be loaded as written (module format, missing package); the message says what to change. */
export class ScriptLoadError extends ChainqlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SCRIPT_LOAD', message, options);
  }
}

/** The script (or a module it imports) does not parse; the message is `file:line:column: what`. */
export class ScriptSyntaxError extends ChainqlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SCRIPT_SYNTAX', message, options);
  }
}

/**
 * A syntax error as one line `file:line:column: message` (column 1-based), from tsx's esbuild
 * TransformError (only its message crosses from the loader thread: "Transform failed with 1 error:\n
 * file:line:column: ERROR: text", esbuild columns 0-based) or Node's own SyntaxError; else undefined.
 */
export function syntaxErrorLine(error: unknown): string | undefined {
  const {
    name,
    message = '',
    stack = '',
  } = (error ?? {}) as { name?: string; message?: string; stack?: string };
  const esbuild = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m.exec(message);
  if (name === 'TransformError' && esbuild) {
    const [, file, line, column, text] = esbuild;
    return `${resolve(file ?? '')}:${line}:${Number(column) + 1}: ${text}`;
  }
  if (error instanceof SyntaxError) {
    // Node puts "file:line" on the first stack line of a SyntaxError raised while loading a module.
    const where = /^(\S+?):(\d+)\n/.exec(stack);
    const file = where?.[1]?.replace(/^file:\/\//, '');
    return file ? `${file}:${where?.[2]}:1: ${error.message}` : undefined;
  }
  return undefined;
}

/** Node's (and tsx's) ways of saying "a file with top-level await was loaded as CommonJS". */
const CJS_TOP_LEVEL_AWAIT = new Set(['ERR_REQUIRE_ASYNC_MODULE', 'ERR_REQUIRE_CYCLE_MODULE']);

/** Turns a load failure of `path` into an actionable {@link ScriptLoadError}, or undefined to keep it as is. */
function explainLoadFailure(path: string, error: unknown): ScriptLoadError | undefined {
  if (error instanceof ChainqlError) return undefined;
  const { code, message = '' } = error as { code?: string; message?: string };
  if ((code !== undefined && CJS_TOP_LEVEL_AWAIT.has(code)) || message.includes('"cjs" output format')) {
    return new ScriptLoadError(
      `${path} was loaded as CommonJS, where top-level await is not allowed. Make it an ES module: add ` +
        `"type": "module" to the package.json next to it (or create one), or rename it to .mts.`,
      { cause: error },
    );
  }
  if (code === 'ERR_MODULE_NOT_FOUND' && message.includes("'chainql'")) {
    return new ScriptLoadError(
      `${path} imports 'chainql', which is not installed where the script lives. Put the script inside the ` +
        'chainql checkout, or in a project that depends on chainql.',
      { cause: error },
    );
  }
  return undefined;
}

/** `chainql run <script>`: runs a TypeScript/JavaScript chain script with the default session. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .summary('run a chain script (TypeScript or JavaScript)')
    .description(
      'Run a chain script (TypeScript or JavaScript, an ES module). The script imports from "chainql" and ' +
        "ends its chains with a terminal such as .save('name') or .count(); chains that are not given a " +
        'session read and write the data directory chosen with --data. Expected errors print their code ' +
        '(e.g. [UNKNOWN_COLUMN]); any other error prints its stack. Exits with 1 on error.',
    )
    .argument('<script>', 'path of the script, relative to the current directory')
    .option('--warehouse <url>', WAREHOUSE_FLAG_HELP)
    .option('--data <dir>', 'data directory (default: $CHAINQL_DATA_DIR or ./.chainql)')
    .option('--no-progress', 'do not draw the progress bar of UDF steps on stderr')
    .addHelpText('after', '\nExample:\n  chainql run example.ts --data ./.chainql')
    .action(async (script: string, options: { data?: string; progress: boolean }) => {
      const path = resolve(script);
      if (!existsSync(path)) throw new ScriptNotFoundError(path);
      if (options.data) process.env.CHAINQL_DATA_DIR = resolve(options.data);
      const { closeDefaultSession, configureDefaultSession } = await import('../../compute/session.ts');
      if (options.progress) {
        // UDF steps of the script's chains report to one bar (rate + ETA) unless a chain sets its own listener.
        const { ProgressBar } = await import('../../compute/udf/progress-bar.ts');
        configureDefaultSession({ onProgress: new ProgressBar(progressOptions()).handle });
      }
      try {
        await import(pathToFileURL(path).href);
      } catch (error) {
        const explained = explainLoadFailure(path, error);
        if (explained) throw explained;
        const syntax = syntaxErrorLine(error);
        if (syntax !== undefined) throw new ScriptSyntaxError(syntax, { cause: error });
        if (error instanceof ChainqlError || !(error instanceof Error)) throw error;
        // A bug in the script: the stack (source-mapped by tsx) shows where.
        process.stderr.write(`chainql: ${path} failed:\n${error.stack ?? error.message}\n`);
        process.exitCode = 1;
      } finally {
        await closeDefaultSession();
      }
    });
}
