import { ChainqlError } from '../../schema/errors.ts';

/** Where in a file a problem was found. Lines and rows are 1-based; `row` counts data rows only. */
export interface FilePosition {
  /** 1-based physical line (CSV: the line the record ends on; JSONL: the line itself). */
  readonly line?: number;
  /** 1-based data row / record / array element (header excluded). */
  readonly row?: number;
  /** Byte offset, when the parser only reports that (JSON). */
  readonly offset?: number;
  /** Parquet row group index (0-based). */
  readonly rowGroup?: number;
}

function describePosition(position: FilePosition | undefined): string {
  if (!position) return '';
  const parts: string[] = [];
  if (position.line !== undefined) parts.push(`line ${position.line}`);
  if (position.row !== undefined) parts.push(`row ${position.row}`);
  if (position.offset !== undefined) parts.push(`offset ${position.offset}`);
  if (position.rowGroup !== undefined) parts.push(`row group ${position.rowGroup}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/**
 * Base class of every error raised while reading or writing CSV, JSON(L) or Parquet files.
 * `file` is the path given by the caller; `position` says where in the file, when known.
 */
export class FormatError extends ChainqlError {
  /** The file being read or written. */
  readonly file: string;
  /** Where in the file, when the error is tied to a place. */
  readonly position: FilePosition | undefined;

  constructor(
    code: string,
    file: string,
    message: string,
    position?: FilePosition,
    options?: { cause?: unknown },
  ) {
    super(code, `${file}${describePosition(position)}: ${message}`, options);
    this.file = file;
    this.position = position;
  }
}

/** The file does not exist (code `FILE_NOT_FOUND`). */
export class FileNotFoundError extends FormatError {
  constructor(file: string, options?: { cause?: unknown }) {
    super('FILE_NOT_FOUND', file, 'file not found', undefined, options);
  }
}

/**
 * The file exists but is not valid in its format: malformed JSON line, ragged CSV row,
 * truncated or corrupt Parquet, a top-level value of the wrong shape (code `INVALID_FILE`).
 */
export class InvalidFileError extends FormatError {
  constructor(file: string, message: string, position?: FilePosition, options?: { cause?: unknown }) {
    super('INVALID_FILE', file, message, position, options);
  }
}

/**
 * Sampled values of one field have shapes that cannot share a type (an object in one row, a number
 * in another; an array and a scalar). `field` is the dot path (code `INCONSISTENT_TYPES`).
 */
export class InconsistentTypesError extends FormatError {
  constructor(
    file: string,
    readonly field: string,
    message: string,
    position?: FilePosition,
  ) {
    super('INCONSISTENT_TYPES', file, `field '${field}': ${message}`, position);
  }
}

/**
 * A value does not fit the schema in force (explicit, or inferred from the sample): `field` is the
 * dot path, `value` the offending raw value (code `VALUE_MISMATCH`).
 */
export class ValueMismatchError extends FormatError {
  constructor(
    file: string,
    readonly field: string,
    readonly value: unknown,
    expected: string,
    position?: FilePosition,
  ) {
    super(
      'VALUE_MISMATCH',
      file,
      `field '${field}': expected ${expected}, got ${previewValue(value)}`,
      position,
    );
  }
}

/** A short printable form of a raw value for error messages. */
export function previewValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (value instanceof Date)
    text = `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  else if (value === undefined) text = 'undefined (missing)';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** True for Node file-system errors (they carry a `syscall`), as opposed to errors from row sources. */
export function isFsError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'syscall' in error;
}
