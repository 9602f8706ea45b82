/**
 * What every file format shares: the names, how a format is told from a file name, and the shape of
 * a text codec. Text codecs (csv, jsonl, json) decode in place from bytes at a cursor, so a reader
 * can stop after N records, remember the cursor, and resume there after a restart without reading
 * the file from the start. Parquet is not a text format: it lives in parquet.ts (DuckDB).
 */
export const FORMATS = ['csv', 'jsonl', 'json', 'parquet'] as const;
export type FormatName = (typeof FORMATS)[number];
export type TextFormatName = Exclude<FormatName, 'parquet'>;

const BY_EXTENSION: Readonly<Record<string, FormatName>> = {
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.parquet': 'parquet',
};

/** The format a file name's extension says, or undefined for an extension no codec reads. */
export function formatOfPath(path: string): FormatName | undefined {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? undefined : BY_EXTENSION[path.slice(dot).toLowerCase()];
}

export const EXTENSION_OF: Readonly<Record<FormatName, string>> = { csv: 'csv', jsonl: 'jsonl', json: 'json', parquet: 'parquet' };

/**
 * Where a reader is in a text (or, for Parquet, a file of rows). JSON-serialisable: it is kept in
 * processor state and committed with the records read before it.
 */
export interface Cursor {
  /** Byte offset of the next record (text formats; 0 for Parquet). */
  readonly offset: number;
  /** 1-based line number at `offset` (text formats), for error messages. */
  readonly line: number;
  /** Items decoded before this point, failures included: the next one's record.index (Parquet: its row). */
  readonly index: number;
  /** What the format learned from the start of the text: the CSV header's columns; whether JSON is an array. */
  readonly context?: CursorContext;
}

export type CursorContext = { readonly columns: readonly string[] } | { readonly json: 'array' | 'value' | 'end' };

export const START: Cursor = { offset: 0, line: 1, index: 0 };

/** One item of a text or file: a value, or the raw text that did not decode and why. */
export type Decoded = DecodedValue | DecodeFailure;
export interface DecodedValue {
  readonly value: unknown;
  readonly index: number;
  readonly line: number;
}
export interface DecodeFailure {
  readonly error: string;
  readonly raw: string;
  readonly index: number;
  readonly line: number;
}

export const isFailure = (item: Decoded): item is DecodeFailure => 'error' in item;

/** A failure's reason with where it is, for error.message: "line 3: not JSON: …". */
export const describeFailure = (item: DecodeFailure) => (item.line > 0 ? `line ${item.line}: ${item.error}` : item.error);

/** Raw text kept in a failure; a runaway record (an unclosed quote) must not become a huge record. */
export const MAX_RAW_CHARS = 64 * 1024;

export interface TextCodec {
  readonly format: TextFormatName;
  /** Records must be objects with one set of columns (a header). */
  readonly tabular: boolean;
  /**
   * Decode up to `max` items from `bytes`, which hold the text from `cursor.offset` on. Stops before
   * a record that may continue past `bytes` unless `final` (the bytes run to the end of the text).
   */
  decode(bytes: Buffer, cursor: Cursor, max: number, final: boolean): { items: Decoded[]; cursor: Cursor };
  /** Text that starts a file of these columns (the CSV header, JSON's "["). */
  header(columns: readonly string[]): string;
  /** Text for `values`, following `written` earlier rows of the same file. */
  rows(values: readonly unknown[], columns: readonly string[], written: number): string;
  /** Text that ends a file of `written` rows (JSON's "]"). */
  footer(written: number): string;
}

/** Options a CSV codec takes; the other text codecs take none. */
export interface CsvOptions {
  /** One character; default ",". */
  readonly delimiter?: string;
  /** Infer numbers, booleans and null from unquoted CSV text (default); false keeps every value a string. */
  readonly typed?: boolean;
}

/**
 * The text or file as a whole cannot be read in its format (a CSV without a usable header, a file
 * that is not Parquet): a reader reports the whole file as one failure instead of records.
 */
export class FormatError extends Error {
  override readonly name = 'FormatError';
}

/** A failure item, its raw text capped. */
export function failure(raw: string, reason: string, index: number, line: number): DecodeFailure {
  return { error: reason, raw: raw.length > MAX_RAW_CHARS ? `${raw.slice(0, MAX_RAW_CHARS)}…` : raw, index, line };
}

/** Count "\n" bytes in bytes[from, to). */
export function countLines(bytes: Buffer, from: number, to: number): number {
  let lines = 0;
  for (let i = bytes.indexOf(10, from); i !== -1 && i < to; i = bytes.indexOf(10, i + 1)) lines++;
  return lines;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Bytes to skip at the very start of a text: a UTF-8 byte order mark (Excel writes one). */
export function bomLength(bytes: Buffer, cursor: Cursor): number {
  return cursor.offset === 0 && bytes.subarray(0, 3).equals(BOM) ? 3 : 0;
}
