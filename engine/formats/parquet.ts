import {
  DuckDBInstance,
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValueConverter,
  type Json,
} from '@duckdb/node-api';
import type { FieldType, RecordSchema } from '../records/schema';
import { DUCKDB_TYPES } from '../services/warehouse/duckdb/types';
import { FormatError } from './codec';

/**
 * Parquet, through DuckDB: the one module that talks to DuckDB. Records are JSON values, so types
 * are mapped both ways: integer ↔ BIGINT (read back as a number when it is a safe integer, else a
 * string), double ↔ DOUBLE, boolean ↔ BOOLEAN, timestamp ↔ TIMESTAMPTZ (ISO strings in UTC, to the
 * millisecond), json ↔ JSON (objects and arrays), string ↔ VARCHAR. Parquet written by other tools
 * reads the same way; DATE becomes "YYYY-MM-DD", DECIMAL a number when exact enough, BLOB base64.
 */
export class DuckDB {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  /** In memory by default; a file path keeps the data on disk (and out of the JS heap). */
  static async open(path = ':memory:'): Promise<DuckDB> {
    const instance = await DuckDBInstance.create(path);
    try {
      const connection = await instance.connect();
      // naive timestamps (no zone) are UTC, and TIMESTAMPTZ values print as UTC
      await connection.run(`SET TimeZone = 'UTC'`);
      return new DuckDB(instance, connection);
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

export const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;
export const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Reads rows of Parquet files a batch at a time; opens its in-memory DuckDB on first use. */
export class ParquetReader {
  private db?: Promise<DuckDB>;

  /** Up to `max` rows from row `fromRow` (0-based), in file order; `done` when none are left after them. */
  async read(path: string, fromRow: number, max: number): Promise<{ rows: Record<string, unknown>[]; done: boolean }> {
    const { connection } = await (this.db ??= DuckDB.open());
    // file_row_number is pushed down into the scan: a later batch does not re-read the earlier rows
    const sql =
      `SELECT * EXCLUDE (file_row_number) FROM read_parquet(${quoteLiteral(path)}, file_row_number = true) ` +
      `WHERE file_row_number >= ${Math.floor(fromRow)} ORDER BY file_row_number LIMIT ${Math.floor(max) + 1}`;
    let rows: Record<string, unknown>[];
    try {
      const reader = await connection.runAndReadAll(sql);
      // column types from the result, not the chunks: only they carry the JSON alias
      const names = reader.deduplicatedColumnNames();
      const types = reader.columnTypes();
      rows = reader.getRows().map((values) => {
        const row: Record<string, unknown> = {};
        values.forEach((value, i) => (row[names[i]] = toJsonValue(value, types[i], toJsonValue)));
        return row;
      });
    } catch (error) {
      const message = (error as Error).message;
      if (/^IO Error/.test(message) && !/magic bytes|not a parquet/i.test(message)) throw error;
      throw new FormatError(`${path} is not a readable Parquet file: ${message}`, { cause: error });
    }
    const done = rows.length <= max;
    return { rows: done ? rows : rows.slice(0, max), done };
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    (await db?.catch(() => undefined))?.close();
  }
}

/** One mapping of record types to DuckDB columns, shared with the warehouse. */
const SQL_TYPE = DUCKDB_TYPES;

/** Hidden column numbering a part's rows, so an unconfirmed tail can be deleted and order kept. */
const ROW = '__conflux_row';
const tableOf = (part: number) => `part_${Math.floor(part)}`;

/**
 * Where a Parquet writer keeps the records of an output file until it is written: one table per
 * part in a DuckDB database file, so a roll's worth of records sits on disk (not in the JS heap)
 * and survives a restart. copyTo writes a part as one Parquet file.
 */
export class ParquetStaging {
  private constructor(private readonly db: DuckDB) {}

  static async open(path: string): Promise<ParquetStaging> {
    return new ParquetStaging(await DuckDB.open(path));
  }

  /** The parts staged, with their schemas (for recovery after a restart). */
  async parts(): Promise<Map<number, RecordSchema>> {
    const reader = await this.db.connection.runAndReadAll(
      `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_name LIKE 'part\\_%' ESCAPE '\\' ORDER BY table_name, ordinal_position`,
    );
    const parts = new Map<number, { name: string; type: FieldType; nullable: boolean }[]>();
    for (const [table, column, type] of reader.getRowsJS() as [string, string, string][]) {
      const part = Number(table.slice('part_'.length));
      if (!parts.has(part)) parts.set(part, []);
      if (column !== ROW) parts.get(part)!.push({ name: column, type: fieldTypeOf(type), nullable: true });
    }
    return new Map([...parts].map(([part, fields]) => [part, { fields }]));
  }

  async create(part: number, schema: RecordSchema): Promise<void> {
    const columns = schema.fields.map((f) => `${quoteIdentifier(f.name)} ${SQL_TYPE[f.type]}`);
    await this.db.connection.run(`CREATE TABLE ${tableOf(part)} (${[`${ROW} BIGINT`, ...columns].join(', ')})`);
  }

  /** Append rows numbered from `firstRow`; committed (in DuckDB's write-ahead log) when it returns. */
  async append(part: number, schema: RecordSchema, values: readonly Record<string, unknown>[], firstRow: number): Promise<void> {
    const appender = await this.db.connection.createAppender(tableOf(part));
    try {
      values.forEach((value, i) => {
        appender.appendBigInt(BigInt(firstRow + i));
        for (const field of schema.fields) appendValue(appender, field.type, value[field.name], field.name);
        appender.endRow();
      });
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /** Forget rows from `rows` on (those of a batch that was not committed). */
  async truncate(part: number, rows: number): Promise<void> {
    await this.db.connection.run(`DELETE FROM ${tableOf(part)} WHERE ${ROW} >= ${Math.floor(rows)}`);
  }

  /** Write the part, in row order, as a Parquet file at `path`. */
  async copyTo(part: number, path: string): Promise<void> {
    await this.db.connection.run(
      `COPY (SELECT * EXCLUDE (${ROW}) FROM ${tableOf(part)} ORDER BY ${ROW}) TO ${quoteLiteral(path)} (FORMAT parquet)`,
    );
  }

  async drop(part: number): Promise<void> {
    await this.db.connection.run(`DROP TABLE IF EXISTS ${tableOf(part)}`);
  }

  close(): void {
    this.db.close();
  }
}

type Appender = Awaited<ReturnType<DuckDBConnection['createAppender']>>;

const INT64_LIMIT = 2 ** 63;

function appendValue(appender: Appender, type: FieldType, value: unknown, field: string): void {
  if (value === null || value === undefined) return appender.appendNull();
  switch (type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) >= INT64_LIMIT) {
        throw new Error(`field "${field}": ${JSON.stringify(value)} is not a 64-bit integer`);
      }
      return appender.appendBigInt(BigInt(value));
    case 'double':
      return appender.appendDouble(Number(value));
    case 'boolean':
      return appender.appendBoolean(Boolean(value));
    case 'string':
      return appender.appendVarchar(typeof value === 'string' ? value : JSON.stringify(value));
    case 'timestamp': // DuckDB parses ISO text into TIMESTAMPTZ
      return appender.appendVarchar(String(value));
    case 'json':
      return appender.appendVarchar(JSON.stringify(value));
  }
}

function fieldTypeOf(sqlType: string): FieldType {
  const entry = Object.entries(SQL_TYPE).find(([, sql]) => sql === sqlType || (sql === 'TIMESTAMPTZ' && sqlType === 'TIMESTAMP WITH TIME ZONE'));
  return (entry?.[0] as FieldType | undefined) ?? 'string';
}

const INTEGER_TYPES = new Set([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT, DuckDBTypeId.BIGNUM]);
const TIMESTAMP_MICROS_PER_UNIT: Partial<Record<DuckDBTypeId, bigint>> = {
  [DuckDBTypeId.TIMESTAMP]: 1n,
  [DuckDBTypeId.TIMESTAMP_TZ]: 1n,
  [DuckDBTypeId.TIMESTAMP_S]: 1_000_000n,
  [DuckDBTypeId.TIMESTAMP_MS]: 1_000n,
};

/** DuckDB value → JSON value: DuckDB's JSON converter, with numbers, timestamps and JSON made native. */
const toJsonValue: DuckDBValueConverter<unknown> = (value, type: DuckDBType, converter) => {
  if (value === null) return null;
  if (INTEGER_TYPES.has(type.typeId)) {
    const big = typeof value === 'bigint' ? value : BigInt(String(value));
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
  }
  if (type.typeId === DuckDBTypeId.DECIMAL) {
    const text = String(value);
    const n = Number(text);
    return String(n) === text.replace(/\.?0+$/, '') || Math.abs(n) < 2 ** 53 ? n : text;
  }
  const perUnit = TIMESTAMP_MICROS_PER_UNIT[type.typeId];
  if (perUnit !== undefined || type.typeId === DuckDBTypeId.TIMESTAMP_NS) {
    const raw = value as unknown as { micros?: bigint; seconds?: bigint; millis?: bigint; nanos?: bigint };
    const micros = raw.micros ?? (raw.seconds !== undefined ? raw.seconds * 1_000_000n : raw.millis !== undefined ? raw.millis * 1_000n : (raw.nanos ?? 0n) / 1_000n);
    const date = new Date(Number(micros / 1_000n));
    return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
  }
  if (type.typeId === DuckDBTypeId.VARCHAR && type.alias === 'JSON') return JSON.parse(String(value));
  if (type.typeId === DuckDBTypeId.BLOB) return Buffer.from((value as { bytes: Uint8Array }).bytes).toString('base64');
  return JsonDuckDBValueConverter(value, type, converter as unknown as DuckDBValueConverter<Json>);
};
