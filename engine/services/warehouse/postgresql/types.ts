import type { FieldType } from '../../../records/schema';
import { isoFromMicros, rememberingLast, toBoolean, toDouble, toInteger, toJsonText, toText, toTimestampMicros, type Codec } from '../convert';
import type { Column } from '../types';

/** Record field type → PostgreSQL column type, for tables created from records. */
export const POSTGRES_TYPES: Readonly<Record<FieldType, string>> = {
  boolean: 'boolean',
  integer: 'bigint',
  double: 'double precision',
  string: 'text',
  timestamp: 'timestamptz',
  json: 'jsonb',
};

/** PostgreSQL column type (information_schema's udt_name) → the record type it holds, if it is one records map to. */
export function fieldTypeOf(udtName: string): FieldType | undefined {
  switch (udtName) {
    case 'bool':
      return 'boolean';
    case 'int2':
    case 'int4':
    case 'int8':
      return 'integer';
    case 'float4':
    case 'float8':
    case 'numeric':
      return 'double';
    case 'text':
    case 'varchar':
    case 'bpchar':
      return 'string';
    case 'timestamp':
    case 'timestamptz':
      return 'timestamp';
    case 'json':
    case 'jsonb':
      return 'json';
    default:
      return undefined;
  }
}

/**
 * A record value as a field of COPY's text format: the shared conversion, then PostgreSQL's spelling
 * (t/f, ISO timestamps in UTC), escaped. Columns of other types (date, uuid, an enum) take the value as
 * text and PostgreSQL parses it; a value it refuses is rejected by the load, row by row.
 */
export function codecFor(column: Column): Codec {
  switch (column.type) {
    case 'boolean':
      return (value) => {
        const b = toBoolean(value);
        return b === undefined ? undefined : b ? 't' : 'f';
      };
    case 'integer':
      return (value) => {
        const n = toInteger(value);
        return n === undefined ? undefined : String(n);
      };
    case 'double':
      return (value) => {
        const n = toDouble(value);
        return n === undefined ? undefined : String(n);
      };
    case 'timestamp':
      return rememberingLast((value) => {
        const micros = toTimestampMicros(value);
        return micros === undefined ? undefined : isoFromMicros(micros);
      });
    case 'json':
      return (value) => escapeCopyText(toJsonText(value));
    default:
      return (value) => escapeCopyText(toText(value));
  }
}

const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** COPY text format: backslash, newline, carriage return and tab are escaped; \N (unescaped) is NULL. */
export function escapeCopyText(text: string): string {
  return COPY_SPECIAL.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]) : text;
}
