import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { convertRows, type RowSink } from '../convert';
import type { Rejection, TableLoad } from '../types';
import { codecFor } from './types';

/** One table's part of a load, as COPY text lines; a line PostgreSQL refuses is moved to `rejected` and the load retried. */
export interface CopyLoad {
  readonly table: string;
  readonly statement: string;
  /** The columns the lines hold, escaped and comma-separated, as COPY lists them. */
  readonly columnList: string;
  /** One per row to load, newline-terminated. */
  readonly lines: string[];
  /** The input row (index into the TableLoad's rows) of each line. */
  readonly rows: number[];
  readonly rejected: Rejection[];
  /** A merge (TableLoad.keys): COPY into a staging table, then these statements replace the target's rows. */
  readonly merge?: { readonly before: string; readonly after: readonly string[] };
}

const { escapeIdentifier } = pg;

/** Lines per write to the COPY stream: big enough to amortise the call, small enough not to double memory. */
const LINES_PER_WRITE = 1000;

/**
 * Convert a table's rows into COPY text lines. Only the columns some row has a field for are listed,
 * so columns no record mentions keep their defaults (a serial id, a load time).
 */
export async function prepareCopy(schema: string, { table, columns, rows }: TableLoad): Promise<CopyLoad> {
  const provided = columns.filter((c) => rows.some((row) => row[c.name] !== undefined));
  const writer = new LineWriter(provided.length);
  const rejected = await convertRows(table, provided, provided.map(codecFor), rows, writer);
  const target = `${escapeIdentifier(schema)}.${escapeIdentifier(table)}`;
  const columnList = provided.map((c) => escapeIdentifier(c.name)).join(', ');
  return { table, statement: `COPY ${target} (${columnList}) FROM STDIN`, columnList, lines: writer.lines, rows: writer.rows, rejected };
}

/**
 * A merge's COPY: into a temp table of the provided columns with the target's types (no constraints,
 * dropped at commit), then the target's rows with those keys deleted and the staged rows inserted,
 * naming only the columns provided so the others keep their defaults.
 */
export async function prepareMerge(schema: string, load: TableLoad, staging: string): Promise<CopyLoad> {
  const copy = await prepareCopy(schema, load);
  const target = `${escapeIdentifier(schema)}.${escapeIdentifier(load.table)}`;
  const stagingTable = escapeIdentifier(staging);
  const { columnList } = copy;
  const match = load.keys!.map((k) => `t.${escapeIdentifier(k)} = s.${escapeIdentifier(k)}`).join(' AND ');
  return {
    ...copy,
    statement: `COPY ${stagingTable} (${columnList}) FROM STDIN`,
    merge: {
      before: `CREATE TEMP TABLE ${stagingTable} ON COMMIT DROP AS SELECT ${columnList} FROM ${target} WITH NO DATA`,
      // ANALYZE first: a temp table has no statistics, and without them the planner scans the target
      // for a hash join instead of probing its key index once per staged row
      after: [`ANALYZE ${stagingTable}`, `DELETE FROM ${target} t USING ${stagingTable} s WHERE ${match}`, `INSERT INTO ${target} (${columnList}) SELECT ${columnList} FROM ${stagingTable}`],
    },
  };
}

/** Converted rows as COPY text lines: fields separated by tabs, NULL spelled \N. */
class LineWriter implements RowSink {
  readonly lines: string[] = [];
  readonly rows: number[] = [];
  private readonly fields: string[];

  constructor(width: number) {
    this.fields = new Array<string>(width);
  }

  set(column: number, value: unknown): void {
    this.fields[column] = value === null ? '\\N' : (value as string);
  }

  endRow(row: number): void {
    this.lines.push(`${this.fields.join('\t')}\n`);
    this.rows.push(row);
  }
}

export async function copyInto(client: pg.PoolClient, copy: CopyLoad): Promise<void> {
  if (copy.lines.length === 0) return;
  if (copy.merge) await client.query(copy.merge.before);
  const { lines } = copy;
  async function* chunks() {
    for (let i = 0; i < lines.length; i += LINES_PER_WRITE) yield lines.slice(i, i + LINES_PER_WRITE).join('');
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(copy.statement)));
  for (const statement of copy.merge?.after ?? []) await client.query(statement);
}

/**
 * The line (1-based) a failed COPY was refusing, when the error is about that row's data: a value
 * the column type rejects (SQLSTATE class 22) or a constraint it violates (class 23). Anything else
 * (connection lost, table dropped) is about the load as a whole.
 */
export function refusedLine(error: unknown): number | undefined {
  const { code, where } = (error ?? {}) as { code?: unknown; where?: unknown };
  if (typeof code !== 'string' || !/^2[23]/.test(code) || typeof where !== 'string') return undefined;
  const match = /\bCOPY .*, line (\d+)/.exec(where);
  return match ? Number(match[1]) : undefined;
}
