import {
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  doubleFromDecimalValue,
  type DuckDBConnection,
  type DuckDBResult,
  type DuckDBValueConverter,
  type Json,
} from '@duckdb/node-api';
import { isoFromMicros } from '../convert';

/**
 * DuckDB values → JSON values a record can hold: 64-bit integers as numbers (as strings beyond 2^53,
 * where a number would be wrong), timestamps as ISO 8601, JSON columns parsed, decimals as numbers.
 * Everything else as DuckDB's JSON converter has it (nested lists and structs come back through here).
 */
const toRecordValue: DuckDBValueConverter<unknown> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT: {
      const n = value as bigint;
      return Number.isSafeInteger(Number(n)) ? Number(n) : n.toString();
    }
    case DuckDBTypeId.DECIMAL:
      return doubleFromDecimalValue(value);
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return Number.isFinite(value) ? value : null;
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return isoFromMicros((value as { micros: bigint }).micros);
    case DuckDBTypeId.VARCHAR:
      return type.alias === 'JSON' ? JSON.parse(value as string) : value;
    default:
      return JsonDuckDBValueConverter(value, type, converter as DuckDBValueConverter<Json>);
  }
};

/** Run a query and return its rows as objects of JSON values. */
export async function queryRows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  // the result's column types, not the chunks' vector types: only they carry the JSON alias
  const names = reader.columnNames();
  const types = reader.columnTypes();
  return reader.getRows().map((values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i]] = toRecordValue(values[i], types[i], toRecordValue);
    return row;
  });
}

/** The first `limit` rows of a streamed result as arrays of JSON values, and whether more followed. */
export async function readRows(result: DuckDBResult, limit: number): Promise<{ columns: string[]; rows: unknown[][]; truncated: boolean }> {
  const columns = result.deduplicatedColumnNames();
  const types = result.columnTypes();
  const rows: unknown[][] = [];
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    for (const values of chunk.getRows()) {
      if (rows.length === limit) return { columns, rows, truncated: true };
      rows.push(values.map((value, i) => toRecordValue(value, types[i], toRecordValue)));
    }
  }
  return { columns, rows, truncated: false };
}
