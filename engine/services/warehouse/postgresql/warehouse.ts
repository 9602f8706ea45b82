import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Field, RecordSchema } from '../../../records/schema';
import { Tables } from '../tables';
import type { Column, LoadResult, TableLoad, TablePolicy, Warehouse } from '../types';
import { mergeResult, planMerge } from '../merge';
import { copyInto, prepareCopy, prepareMerge, refusedLine, type CopyLoad } from './copy';
import { POSTGRES_TYPES, fieldTypeOf } from './types';

const { escapeIdentifier } = pg;

export interface PostgresWarehouseOptions {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password?: string;
  /** The schema tables live in. */
  readonly schema: string;
  readonly connectTimeoutMs?: number;
}

const DESCRIBE = `
  SELECT column_name, data_type, udt_name, is_nullable = 'YES' OR column_default IS NOT NULL AS optional
  FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`;

/** bigint results as numbers where exact (as strings beyond 2^53); everything else as pg parses it. */
const INT8_OID = 20;
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (text: string) => (Number.isSafeInteger(Number(text)) ? Number(text) : text)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * A warehouse in PostgreSQL: tables in one schema, loaded with COPY FROM STDIN inside a transaction.
 * Rows the shared conversion accepts but PostgreSQL refuses (an int4 overflow, a duplicate key) are
 * found by the line COPY names, rejected, and the load retried without them: the rest still load.
 */
export class PostgresWarehouse implements Warehouse {
  readonly kind = 'warehouse';
  private readonly pool: pg.Pool;
  private readonly schema: string;
  private readonly tables: Tables;
  /** Tables merged into whose key index is known to exist ("table\nkey,key"). */
  private readonly keyIndexes = new Set<string>();

  constructor(options: PostgresWarehouseOptions) {
    const { schema, connectTimeoutMs = 10_000, ...connection } = options;
    this.schema = schema;
    this.pool = new pg.Pool({ ...connection, max: 4, connectionTimeoutMillis: connectTimeoutMs, idleTimeoutMillis: 30_000, types });
    // an idle connection dropped by the server (restart, network) is discarded; the next load reconnects
    this.pool.on('error', () => undefined);
    this.tables = new Tables({
      readColumns: (table) => this.readColumns(table),
      createTable: async (table, fields) => {
        await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(this.schema)}`);
        await this.pool.query(`CREATE TABLE IF NOT EXISTS ${this.qualified(table)} (${fields.map(columnDefinition).join(', ')})`);
      },
      addColumns: async (table, fields) => {
        const additions = fields.map((f) => `ADD COLUMN IF NOT EXISTS ${columnDefinition(f)}`).join(', ');
        await this.pool.query(`ALTER TABLE ${this.qualified(table)} ${additions}`);
      },
      widenColumns: async (table, fields) => {
        const changes = fields.map((f) => `ALTER COLUMN ${escapeIdentifier(f.name)} TYPE ${POSTGRES_TYPES[f.type]}`).join(', ');
        await this.pool.query(`ALTER TABLE ${this.qualified(table)} ${changes}`);
      },
    });
  }

  describe(table: string): Promise<readonly Column[] | undefined> {
    return this.tables.describe(table);
  }

  ensureTable(table: string, schema: RecordSchema, policy: TablePolicy): Promise<readonly Column[]> {
    return this.tables.ensure(table, schema, policy);
  }

  async load(loads: readonly TableLoad[]): Promise<LoadResult[]> {
    for (const { table, keys } of loads) if (keys) await this.ensureKeyIndex(table, keys);
    const plans = loads.map((load) => (load.keys ? planMerge(load) : undefined));
    const copies: CopyLoad[] = [];
    for (const [i, load] of loads.entries()) {
      const plan = plans[i];
      copies.push(await (plan ? prepareMerge(this.schema, { ...load, rows: plan.rows }, `conflux_merge_${i}`) : prepareCopy(this.schema, load)));
    }
    let client: pg.PoolClient | undefined;
    // a connection lost mid-load is also emitted as an 'error' event; the failing query reports it
    const ignore = () => undefined;
    try {
      client = await this.pool.connect();
      client.on('error', ignore);
      await loadRefusingBadLines(client, copies);
      client.off('error', ignore);
      client.release();
      return copies.map((copy, i) => {
        const result = { loaded: copy.lines.length, rejected: copy.rejected };
        return plans[i] ? mergeResult(plans[i], result) : result;
      });
    } catch (error) {
      // the connection may be half-way through a COPY or gone: never hand it to another load
      client?.release(true);
      this.tables.forget(loads.map((l) => l.table));
      // the table may have been dropped and made again, without its index
      for (const { table, keys } of loads) if (keys) this.keyIndexes.delete(`${table}\n${keys.join(',')}`);
      throw new Error(`PostgreSQL load into ${loads.map((l) => `"${l.table}"`).join(', ')} failed: ${messageOf(error)}`, { cause: error });
    }
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    const result = await this.pool.query(sql);
    return result.rows.map((row: Record<string, unknown>) => {
      for (const key in row) if (row[key] instanceof Date) row[key] = (row[key] as Date).toISOString();
      return row;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * A merge deletes the target's rows whose keys are staged: without an index on the keys that is a
   * scan of the whole table per batch, so loading N rows costs N²/batch (PostgreSQL still prefers
   * the scan for a 10,000-row batch into 200,000 rows, not into millions). A plain index, not a
   * unique one: a table may hold duplicates from before it was merged into. Made once, the first
   * time a table is merged into.
   */
  private async ensureKeyIndex(table: string, keys: readonly string[]): Promise<void> {
    const known = `${table}\n${keys.join(',')}`;
    if (this.keyIndexes.has(known)) return;
    const name = `${table}_${keys.join('_')}`.replace(/[^\w]/g, '_').slice(0, 40) + `_key_${createHash('sha1').update(known).digest('hex').slice(0, 8)}`;
    await this.pool.query(`CREATE INDEX IF NOT EXISTS ${escapeIdentifier(name)} ON ${this.qualified(table)} (${keys.map(escapeIdentifier).join(', ')})`);
    this.keyIndexes.add(known);
  }

  private qualified(table: string): string {
    return `${escapeIdentifier(this.schema)}.${escapeIdentifier(table)}`;
  }

  private async readColumns(table: string): Promise<readonly Column[] | undefined> {
    const { rows } = await this.pool.query<{ column_name: string; data_type: string; udt_name: string; optional: boolean }>(DESCRIBE, [this.schema, table]);
    if (rows.length === 0) return undefined;
    return rows.map((r) => ({
      name: r.column_name,
      type: fieldTypeOf(r.udt_name),
      // NOT NULL with a default (a serial id) may still be left out by a record
      nullable: r.optional,
      sqlType: r.data_type === 'USER-DEFINED' ? r.udt_name : r.data_type,
    }));
  }
}

/**
 * BEGIN, COPY each table, COMMIT. When PostgreSQL refuses a line (bad data, a violated constraint),
 * roll back, move that row to the rejected ones and start again; each round removes a row, so this ends.
 */
async function loadRefusingBadLines(client: pg.PoolClient, copies: readonly CopyLoad[]): Promise<void> {
  for (;;) {
    let current: CopyLoad | undefined;
    try {
      await client.query('BEGIN');
      for (current of copies) await copyInto(client, current);
      await client.query('COMMIT');
      return;
    } catch (error) {
      const line = refusedLine(error);
      if (line === undefined || !current || line > current.lines.length) throw error;
      await client.query('ROLLBACK');
      current.lines.splice(line - 1, 1);
      const [row] = current.rows.splice(line - 1, 1);
      current.rejected.push({ row, reason: `table "${current.table}": ${messageOf(error)}` });
    }
  }
}

const columnDefinition = (field: Field) => `${escapeIdentifier(field.name)} ${POSTGRES_TYPES[field.type]}`;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
