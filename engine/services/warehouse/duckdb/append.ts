import { DuckDBDataChunk, type DuckDBAppender, type DuckDBConnection, type DuckDBType, type DuckDBValue, type DuckDBVector } from '@duckdb/node-api';
import { convertRows, type RowSink } from '../convert';
import type { Column, LoadResult } from '../types';
import { codecFor } from './types';

/** Rows per data chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;

/** Where to append: a table of the connection's default schema, or a temp table (catalog "temp"). */
export interface AppendTarget {
  readonly table: string;
  readonly catalog?: string;
}

/**
 * Append rows to a table with DuckDB's appender, a data chunk (2,048 rows) at a time: values are
 * written straight into the chunk's typed arrays and copied in one call per column, not a call per
 * value. Rows that do not convert are rejected; the rest are flushed when the appender closes,
 * inside the caller's transaction if one is open. On error nothing of this call is flushed.
 */
export async function appendRows(
  connection: DuckDBConnection,
  target: AppendTarget,
  columns: readonly Column[],
  rows: readonly Readonly<Record<string, unknown>>[],
): Promise<LoadResult> {
  const appender = await connection.createAppender(target.table, target.catalog ? 'main' : null, target.catalog ?? null);
  try {
    if (appender.columnCount !== columns.length) {
      throw new Error(`table "${target.table}" changed while loading: it has ${appender.columnCount} columns, ${columns.length} were expected`);
    }
    const types = columns.map((_, i) => appender.columnType(i));
    const codecs = columns.map((column, i) => codecFor(column, types[i]));
    const chunks = new ChunkWriter(appender, types);
    const rejected = await convertRows(target.table, columns, codecs, rows, chunks);
    chunks.finish();
    appender.closeSync();
    return { loaded: chunks.rows, rejected };
  } catch (error) {
    discard(appender);
    throw error;
  }
}

/** Converted rows into data chunks, each handed to the appender when full. */
class ChunkWriter implements RowSink {
  /** Rows appended so far. */
  rows = 0;
  private chunk?: DuckDBDataChunk;
  private vectors: DuckDBVector[] = [];
  /** Where the row being converted goes in the current chunk. */
  private slot = 0;

  constructor(
    private readonly appender: DuckDBAppender,
    private readonly types: readonly DuckDBType[],
  ) {}

  set(column: number, value: unknown): void {
    if (!this.chunk) this.open();
    this.vectors[column].setItem(this.slot, value as DuckDBValue);
  }

  endRow(): void {
    this.rows++;
    if (++this.slot === CHUNK_ROWS) this.append();
  }

  finish(): void {
    if (this.slot > 0) this.append();
  }

  private open(): void {
    const chunk = DuckDBDataChunk.create(this.types, CHUNK_ROWS);
    this.vectors = this.types.map((_, c) => chunk.getColumnVector(c));
    this.chunk = chunk;
  }

  private append(): void {
    const chunk = this.chunk!;
    for (const vector of this.vectors) vector.flush();
    // a short last chunk: only now is its size known (a rejected row's slot is reused by the next row)
    if (this.slot < CHUNK_ROWS) chunk.rowCount = this.slot;
    this.appender.appendDataChunk(chunk);
    this.chunk = undefined;
    this.slot = 0;
  }
}

/** Drop what the appender holds without flushing it (closing would flush). */
function discard(appender: DuckDBAppender): void {
  try {
    appender.clear();
    appender.closeSync();
  } catch {
    // the appender is unusable already; what it held was never flushed
  }
}
