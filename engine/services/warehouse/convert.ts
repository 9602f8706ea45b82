import { setImmediate } from 'node:timers/promises';
import { ISO_TIMESTAMP, type FieldType } from '../../records/schema';
import type { Column, Rejection } from './types';

/**
 * Record values → column values, shared by every warehouse. The rule is "convert where nothing is
 * lost": 39 goes into a DOUBLE, "42" into a BIGINT, 12 into a VARCHAR as "12"; "abc" never goes into
 * a BIGINT. A converter returns undefined for a value its column cannot hold (nulls never reach it).
 */
export type Codec = (value: unknown) => unknown;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^[+-]?\d{1,19}$/;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A 64-bit integer, as a number when it is one exactly, else as a bigint. */
export function toInteger(value: unknown): number | bigint | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? value : undefined;
  if (typeof value === 'bigint') return value >= INT64_MIN && value <= INT64_MAX ? value : undefined;
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) {
    const n = BigInt(value);
    if (n < INT64_MIN || n > INT64_MAX) return undefined;
    return Number.isSafeInteger(Number(n)) ? Number(n) : n;
  }
  return undefined;
}

export function toDouble(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && NUMBER_TEXT.test(value)) return Number(value);
  return undefined;
}

export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** Text: strings as they are, numbers and booleans spelled out, objects and arrays as JSON. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** JSON text of any value (a string becomes a JSON string literal). */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}


/**
 * Microseconds since the epoch. Strings are ISO 8601; one without a zone is taken as UTC (a record's
 * meaning must not depend on the server's time zone). Dates count too. Numbers do not: seconds or
 * milliseconds would be a guess.
 */
export function toTimestampMicros(value: unknown): bigint | undefined {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? undefined : BigInt(ms) * 1000n;
  }
  if (typeof value !== 'string') return undefined;
  // the shape Date.prototype.toISOString writes, by far the most common: parse it as it is
  if (value.length === 24 && value.charCodeAt(10) === 84 /* T */ && value.charCodeAt(23) === 90 /* Z */) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return BigInt(ms) * 1000n;
  }
  const match = ISO_TIMESTAMP.exec(value);
  if (!match) return undefined;
  const [, date, hoursMinutes, seconds = '00', fraction = '', zone = 'Z'] = match;
  const millis = fraction.slice(0, 3).padEnd(3, '0');
  const ms = Date.parse(`${date}T${hoursMinutes}:${seconds}.${millis}${isoZone(zone)}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1000n + BigInt(fraction.slice(3, 6).padEnd(3, '0'));
}

/** Z, +hh:mm as they are; +hhmm and +hh (PostgreSQL's +00) as +hh:mm. */
const isoZone = (zone: string) => (zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone.length === 3 ? `${zone}:00` : zone);

/** ISO 8601 in UTC with microseconds, for engines that take timestamps as text. */
export function isoFromMicros(micros: bigint): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const extra = Number(micros - ms * 1000n);
  const iso = new Date(Number(ms)).toISOString();
  return extra === 0 ? iso : `${iso.slice(0, -1)}${String(extra).padStart(3, '0')}Z`;
}

/** The record-level converter of a field type; engines adapt its result to their own representation. */
export const convertTo: Readonly<Record<FieldType, Codec>> = {
  boolean: toBoolean,
  integer: toInteger,
  double: toDouble,
  string: toText,
  timestamp: toTimestampMicros,
  json: toJsonText,
};

/**
 * Where converted rows go: the engine's buffer (a DuckDB data chunk, COPY text). Every column of a row
 * is set, in column order, then the row is ended; a row rejected part-way is never ended, and the
 * sink overwrites what it was given of it with the next row.
 */
export interface RowSink {
  set(column: number, value: unknown): void;
  /** The row (index into the input rows) converted whole. */
  endRow(row: number): void;
}

/** Rows converted between two turns of the event loop: a few ms of work (a batch of 10,000 is tens of ms). */
const ROWS_PER_TURN = 2048;

/**
 * Convert rows to a table's columns with one codec per column, into a sink, ROWS_PER_TURN rows at a
 * time with a turn of the event loop in between, so a large batch never holds the other processors
 * and the API up for long. A row is taken whole or rejected with the first reason found, naming the
 * table and the column.
 */
export async function convertRows(
  table: string,
  columns: readonly Column[],
  codecs: readonly Codec[],
  rows: readonly Readonly<Record<string, unknown>>[],
  sink: RowSink,
): Promise<Rejection[]> {
  const rejected: Rejection[] = [];
  for (let from = 0; from < rows.length; from += ROWS_PER_TURN) {
    if (from > 0) await setImmediate();
    convertSome(table, columns, codecs, rows, sink, from, Math.min(rows.length, from + ROWS_PER_TURN), rejected);
  }
  return rejected;
}

/** Rows [from, to) into the sink; rejections appended to `rejected`. */
function convertSome(
  table: string,
  columns: readonly Column[],
  codecs: readonly Codec[],
  rows: readonly Readonly<Record<string, unknown>>[],
  sink: RowSink,
  from: number,
  to: number,
  rejected: Rejection[],
): void {
  const width = columns.length;
  const names = columns.map((c) => c.name);
  rows: for (let r = from; r < to; r++) {
    const row = rows[r];
    for (let c = 0; c < width; c++) {
      const raw = row[names[c]];
      if (raw === null || raw === undefined) {
        if (!columns[c].nullable) {
          rejected.push({ row: r, reason: `table "${table}": column "${names[c]}" is NOT NULL and the record has no value for it` });
          continue rows;
        }
        sink.set(c, null);
        continue;
      }
      const value = codecs[c](raw);
      if (value === undefined) {
        rejected.push({ row: r, reason: cannotHold(table, columns[c], raw) });
        continue rows;
      }
      sink.set(c, value);
    }
    sink.endRow(r);
  }
}

/** A codec that remembers its last answer: runs of equal values (a batch's timestamps, often) convert once. */
export function rememberingLast(codec: Codec): Codec {
  let lastInput: unknown;
  let lastOutput: unknown;
  return (value) => {
    if (value !== lastInput || lastOutput === undefined) {
      lastOutput = codec(value);
      lastInput = value;
    }
    return lastOutput;
  };
}

export function cannotHold(table: string, column: Column, value: unknown): string {
  let shown = toJsonText(value);
  if (shown.length > 80) shown = `${shown.slice(0, 77)}...`;
  return `table "${table}": column "${column.name}" (${column.sqlType}) cannot hold ${shown}`;
}
