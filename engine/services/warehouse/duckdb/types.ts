import { DuckDBTimestampTZValue, DuckDBTimestampValue, DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import type { FieldType } from '../../../records/schema';
import { rememberingLast, toBoolean, toDouble, toInteger, toJsonText, toText, toTimestampMicros, type Codec } from '../convert';
import type { Column } from '../types';

/** Record field type → DuckDB column type, for tables created from records. */
export const DUCKDB_TYPES: Readonly<Record<FieldType, string>> = {
  boolean: 'BOOLEAN',
  integer: 'BIGINT',
  double: 'DOUBLE',
  string: 'VARCHAR',
  timestamp: 'TIMESTAMPTZ',
  json: 'JSON',
};

/** DuckDB column type (as information_schema spells it) → the record type it holds, if it is one we write. */
export function fieldTypeOf(sqlType: string): FieldType | undefined {
  if (sqlType === 'BOOLEAN') return 'boolean';
  if (/^U?(TINYINT|SMALLINT|INTEGER|BIGINT)$/.test(sqlType)) return 'integer';
  if (sqlType === 'DOUBLE' || sqlType === 'FLOAT') return 'double';
  if (sqlType === 'VARCHAR') return 'string';
  if (sqlType === 'TIMESTAMP' || sqlType === 'TIMESTAMP WITH TIME ZONE') return 'timestamp';
  if (sqlType === 'JSON') return 'json';
  return undefined;
}

const INTEGER_RANGES: Partial<Record<DuckDBTypeId, readonly [number, number]>> = {
  [DuckDBTypeId.TINYINT]: [-(2 ** 7), 2 ** 7 - 1],
  [DuckDBTypeId.SMALLINT]: [-(2 ** 15), 2 ** 15 - 1],
  [DuckDBTypeId.INTEGER]: [-(2 ** 31), 2 ** 31 - 1],
  [DuckDBTypeId.UTINYINT]: [0, 2 ** 8 - 1],
  [DuckDBTypeId.USMALLINT]: [0, 2 ** 16 - 1],
  [DuckDBTypeId.UINTEGER]: [0, 2 ** 32 - 1],
};

const cannot: Codec = () => undefined;

/** Small integers (quantities, codes, flags) as shared bigints: BIGINT vectors take bigints, and most are small. */
const SMALL_MIN = -128;
const SMALL_BIGINTS = Array.from({ length: 1152 }, (_, i) => BigInt(i + SMALL_MIN));
const toBigInt = (n: number | bigint): bigint =>
  typeof n === 'number' && n >= SMALL_MIN && n < SMALL_MIN + SMALL_BIGINTS.length ? SMALL_BIGINTS[n - SMALL_MIN] : BigInt(n);

/**
 * How a record value becomes what the column's vector takes: the shared conversion, then DuckDB's
 * representation (bigint for BIGINT, a micros value for timestamps). The column says what the data
 * means (JSON and VARCHAR share a vector type); the vector type says how it is stored.
 */
export function codecFor(column: Column, vectorType: DuckDBType): Codec {
  const id = vectorType.typeId;
  const range = INTEGER_RANGES[id];
  if (range) {
    const [min, max] = range;
    return (value) => {
      const n = toInteger(value);
      return typeof n === 'number' && n >= min && n <= max ? n : undefined;
    };
  }
  switch (id) {
    case DuckDBTypeId.BOOLEAN:
      return toBoolean;
    case DuckDBTypeId.BIGINT:
      return (value) => {
        const n = toInteger(value);
        return n === undefined ? undefined : toBigInt(n);
      };
    case DuckDBTypeId.UBIGINT:
      return (value) => {
        const n = toInteger(value);
        return n !== undefined && n >= 0 ? toBigInt(n) : undefined;
      };
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return toDouble;
    case DuckDBTypeId.VARCHAR:
      return column.type === 'json' ? toJsonText : toText;
    case DuckDBTypeId.TIMESTAMP:
      return rememberingLast((value) => {
        const micros = toTimestampMicros(value);
        return micros === undefined ? undefined : new DuckDBTimestampValue(micros);
      });
    case DuckDBTypeId.TIMESTAMP_TZ:
      return rememberingLast((value) => {
        const micros = toTimestampMicros(value);
        return micros === undefined ? undefined : new DuckDBTimestampTZValue(micros);
      });
    default:
      // DATE, DECIMAL, UUID, lists…: tables made by other tools may have them; only NULL loads there
      return cannot;
  }
}
