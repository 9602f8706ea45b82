import { parse, type Options as ParseOptions } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import {
  bomLength,
  countLines,
  failure,
  FormatError,
  type Cursor,
  type CsvOptions,
  type Decoded,
  type TextCodec,
} from './codec';

/**
 * CSV with a header row (RFC 4180: "" escapes a quote inside a quoted field; fields may hold
 * newlines). Records are framed here, byte by byte, so a reader knows where each one ends and can
 * resume at that byte; csv-parse parses the fields and csv-stringify writes them.
 *
 * Typed values (the default) come from unquoted text only: 42 → integer, 4.2 / 1e3 → double,
 * true/false → boolean, an empty field → null; "42" (quoted) stays the string "42". Integers beyond
 * 2^53 and numbers with leading zeros (zip codes, "007") stay strings. Timestamps stay ISO strings
 * (JSON has no date type; inferSchema types them timestamp). The writer quotes strings that would
 * read back as another type, so a round trip keeps every type but nested values (written as JSON text,
 * read back as strings: CSV has no nesting). Line endings: \n or \r\n.
 */
export function csvCodec(options: CsvOptions = {}): TextCodec {
  const delimiter = options.delimiter ?? ',';
  if (Buffer.byteLength(delimiter) !== 1) throw new Error(`a CSV delimiter is one single-byte character, got "${delimiter}"`);
  const delimiterByte = delimiter.charCodeAt(0);
  const typed = options.typed ?? true;
  const plain: ParseOptions = {
    delimiter,
    record_delimiter: ['\r\n', '\n'],
    // a quote inside an unquoted field is an ordinary character (the framer agrees)
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
  };
  const parseOptions: CsvParseOptions = { typed, plain, cast: { ...plain, cast: (value, context) => (context.quoting ? value : scalarOf(value)) } };
  const stringifyOptions = {
    delimiter,
    cast: {
      boolean: (value: boolean) => String(value),
      bigint: (value: bigint) => String(value),
      object: (value: object) => JSON.stringify(value),
      // quoted_empty too: csv-stringify leaves an empty string bare unless told (null stays bare)
      string: (value: string) => (readsAsOtherType(value) ? { value, quoted: true, quoted_empty: true } : value),
    },
  };

  return {
    format: 'csv',
    tabular: true,
    decode(bytes, cursor, max, final) {
      const items: (Decoded | Span)[] = [];
      let pos = bomLength(bytes, cursor);
      let { line, index } = cursor;
      let columns = cursor.context && 'columns' in cursor.context ? cursor.context.columns : undefined;
      while (items.length < max && pos < bytes.length) {
        let { end, unclosed } = recordEnd(bytes, pos, delimiterByte);
        if (end === -1 && !final) break;
        if (end === -1 && unclosed) {
          // no closing quote before the end: report the first line and go on after it, where the
          // next record most likely starts
          const newline = bytes.indexOf(10, pos);
          end = newline === -1 ? bytes.length : newline + 1;
          items.push(failure(bytes.toString('utf8', pos, end), 'a quoted field is not closed', index++, line));
        } else {
          if (end === -1) end = bytes.length;
          if (!isBlank(bytes, pos, end)) {
            if (columns) items.push({ start: pos, end, line, index: index++ });
            else columns = headerOf(bytes.toString('utf8', pos, end), line, parseOptions);
          }
        }
        line += countLines(bytes, pos, end);
        pos = end;
      }
      const decoded = decodeSpans(bytes, items, columns ?? [], parseOptions);
      const context = columns ? { columns } : undefined;
      return { items: decoded, cursor: { offset: cursor.offset + pos, line, index, ...(context && { context }) } };
    },
    header: (columns) => stringify([columns], { delimiter }),
    rows: (values, columns) =>
      stringify(
        values.map((value) => columns.map((column) => (value as Record<string, unknown>)[column])),
        stringifyOptions,
      ),
    footer: () => '',
  };
}

interface CsvParseOptions {
  readonly typed: boolean;
  readonly plain: ParseOptions;
  /** plain, with typing of unquoted fields in csv-parse's cast hook. */
  readonly cast: ParseOptions;
}

/** A framed record not parsed yet: bytes[start, end). */
interface Span {
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly index: number;
}

/**
 * Parse framed records into row objects. Typing needs to know which fields were quoted, and
 * csv-parse only says so through its cast hook, which costs ~5× the parse; so rows without a quote
 * character are parsed plainly and typed after, and only rows with quotes go through the hook.
 */
function decodeSpans(bytes: Buffer, items: readonly (Decoded | Span)[], columns: readonly string[], options: CsvParseOptions): Decoded[] {
  const spans = items.filter((item): item is Span => 'start' in item);
  if (spans.length === 0) return items as Decoded[];
  const texts = spans.map((s) => bytes.toString('utf8', s.start, s.end));
  const fields: (unknown[] | Error)[] = new Array(spans.length);
  if (!options.typed) parseEach(texts, options.plain).forEach((row, i) => (fields[i] = row));
  else {
    const quoted = spans.map((s) => bytes.subarray(s.start, s.end).includes(QUOTE));
    const plainIndexes = spans.flatMap((_, i) => (quoted[i] ? [] : [i]));
    const quotedIndexes = spans.flatMap((_, i) => (quoted[i] ? [i] : []));
    parseEach(plainIndexes.map((i) => texts[i]), options.plain).forEach((row, k) => (fields[plainIndexes[k]] = row instanceof Error ? row : row.map((v) => scalarOf(v as string))));
    parseEach(quotedIndexes.map((i) => texts[i]), options.cast).forEach((row, k) => (fields[quotedIndexes[k]] = row));
  }
  let next = 0;
  return items.map((item) => {
    if (!('start' in item)) return item;
    const raw = texts[next];
    const row = fields[next++];
    if (row instanceof Error) return failure(raw, row.message, item.index, item.line);
    if (row.length !== columns.length) {
      return failure(raw, `the row has ${row.length} field(s), the header has ${columns.length}`, item.index, item.line);
    }
    const value: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) value[columns[i]] = row[i];
    return { value, index: item.index, line: item.line };
  });
}

/** Each text's fields: one csv-parse call for all (the fast path), text by text only when that fails. */
function parseEach(texts: readonly string[], options: ParseOptions): (unknown[] | Error)[] {
  if (texts.length === 0) return [];
  try {
    const rows: unknown[][] = parse(texts.join(''), options);
    if (rows.length === texts.length) return rows;
  } catch {
    // some record is malformed: find which, one by one
  }
  return texts.map((text) => {
    try {
      return (parse(text, options) as unknown[][])[0] ?? [];
    } catch (error) {
      return error as Error;
    }
  });
}

/** Column names from the header row: an empty name becomes columnN, a repeated one name_2, name_3… */
function headerOf(raw: string, line: number, options: CsvParseOptions): string[] {
  let names: string[];
  try {
    names = (parse(raw, options.plain) as string[][])[0];
  } catch (error) {
    throw new FormatError(`the CSV header on line ${line} cannot be read: ${(error as Error).message}`);
  }
  const seen = new Map<string, number>();
  return names.map((name, i) => {
    const base = name.trim() === '' ? `column${i + 1}` : name;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}_${count}`;
  });
}

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Where the record starting at `from` ends (after its "\n"), or -1 if it runs past the bytes, with
 * `unclosed` when a quoted field is still open there. A quote opens a quoted field only at the
 * start of a field; elsewhere it is an ordinary character (csv-parse's relax_quotes agrees).
 * Multi-byte UTF-8 never contains these ASCII bytes, so scanning bytes is safe.
 */
function recordEnd(bytes: Buffer, from: number, delimiter: number): { end: number; unclosed: boolean } {
  let inQuotes = false;
  let fieldStart = true;
  let afterQuote = false;
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i];
    if (inQuotes) {
      if (b === QUOTE) {
        inQuotes = false;
        afterQuote = true;
      }
      continue;
    }
    if (b === QUOTE) {
      // "" inside a quoted field: closing quote, then an opening one
      if (fieldStart || afterQuote) inQuotes = true;
      afterQuote = false;
      fieldStart = false;
      continue;
    }
    afterQuote = false;
    if (b === NEWLINE) return { end: i + 1, unclosed: false };
    if (b === delimiter) fieldStart = true;
    else if (b !== CR) fieldStart = false;
  }
  return { end: -1, unclosed: inQuotes };
}

function isBlank(bytes: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== NEWLINE && bytes[i] !== CR) return false;
  return true;
}

const INTEGER = /^-?(0|[1-9]\d*)$/;
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const BOOLEAN = /^(true|false)$/i;

/** The typed value of unquoted CSV text. */
export function scalarOf(text: string): unknown {
  if (text === '') return null;
  if (INTEGER.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text;
  }
  if (NUMBER.test(text)) {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  if (BOOLEAN.test(text)) return text.toLowerCase() === 'true';
  return text;
}

/** A string that unquoted would read back as a number, a boolean or null: the writer quotes it. */
function readsAsOtherType(text: string): boolean {
  return text === '' || NUMBER.test(text) || BOOLEAN.test(text);
}
