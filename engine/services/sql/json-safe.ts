import type { Row } from './types';

/**
 * Rows become record content, which must be JSON. The drivers are configured so that most values
 * already are (see each pool's runtime); this pass converts the rest. The choices, for both
 * databases:
 *   - integers (BIGINT too): a number when it is exact in JavaScript (|n| ≤ 2^53 − 1), else a string
 *     of its digits, so an id is never silently rounded;
 *   - DECIMAL / NUMERIC: a string of the exact decimal ("1234.50"), never a rounded float;
 *   - dates and times: the database's own text at full precision, sessions in UTC
 *     ("2024-05-01", "2024-05-01 13:45:10.123456", PostgreSQL timestamptz "…+00"); `new Date()`
 *     parses them and they round-trip as parameters, so a timestamp watermark loses no microseconds
 *     (MySQL: QueryDatabaseTable asks the server for the text, at the declared precision; other
 *     statements' rows come through the driver, which leaves out a zero fraction);
 *   - binary (BYTEA, BLOB, BIT): base64 text;
 *   - NaN and ±Infinity (floating point columns): the strings "NaN", "Infinity", "-Infinity";
 *   - JSON columns: the parsed value (MariaDB, whose JSON is text, gives the text).
 */
export function toJsonSafeRow(row: Row): Row {
  for (const key in row) {
    const value = row[key];
    // the common case (string, finite number, boolean, null) falls through after two checks
    if (typeof value === 'object' ? value !== null : typeof value === 'bigint' || (typeof value === 'number' && !Number.isFinite(value))) {
      row[key] = toJsonSafe(value);
    }
  }
  return row;
}

export function toJsonSafe(value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return exactInteger(value.toString());
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'object':
      if (value === null) return null;
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (Array.isArray(value)) return value.map(toJsonSafe);
      return value;
    default:
      return value;
  }
}

/** An integer's digits as a number when exact, else as the string itself. */
export function exactInteger(digits: string): number | string {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : digits;
}

/**
 * A record's value as a statement parameter: objects and arrays as JSON text (for JSON columns),
 * everything else as it is. `asArray` keeps arrays for PostgreSQL array columns.
 */
export function toParameter(value: unknown, asArray = false): unknown {
  if (value === undefined) return null;
  if (typeof value === 'object' && value !== null && !(asArray && Array.isArray(value))) return JSON.stringify(value);
  return value;
}
