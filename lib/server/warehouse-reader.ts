import pg from 'pg';
import { openDatabase } from '../../engine/services/warehouse/duckdb/databases';
import { readOnlyQuery, type ReadOnlyResult } from '../../engine/services/warehouse/duckdb/read-only';
import { readingSettings, readOnlyQueryPostgres, type PostgresTarget } from '../../engine/services/warehouse/postgresql/read-only';
import { queryRows } from '../../engine/services/warehouse/duckdb/results';
import { SHOP_FLOW_NAME, SHOP_SERVERS_FLOW_NAME } from '../shop/flow';
import { answerQuestions, FRESHNESS_SQL, questionSql, quartersSql, WAREHOUSE_TABLES, type Answers, type Period, type WarehouseDialect } from '../shop/questions';
import { previousQuarter, quarterRange } from '../shop/time';
import { demoWarehousePath } from './demo-flow';
import type { FlowService } from './flow-service';
import { badRequest, HttpError } from './http-error';

/** A warehouse as the Questions page reads it: its dialect, rows of a query, the console. */
interface Reading {
  readonly dialect: WarehouseDialect;
  readonly tables: string[];
  rows(sql: string): Promise<Record<string, unknown>[]>;
  console(sql: string, limit: number): Promise<ReadOnlyResult>;
}

/**
 * The DuckDB file is opened through the same per-process instance the flow's warehouse service uses
 * (DuckDB lets one process open a file), and let go after each read, so a stopped flow leaves it
 * free for other programs.
 */
async function withDuckDB<T>(file: string, work: (reading: Reading) => Promise<T>): Promise<T> {
  let database;
  try {
    database = await openDatabase(file);
  } catch (error) {
    throw new HttpError(503, `the warehouse ${file} cannot be opened: ${(error as Error).message}`);
  }
  const { instance } = database;
  const rows = async (sql: string) => {
    const connection = await instance.connect();
    try {
      return await queryRows(connection, sql);
    } finally {
      connection.closeSync();
    }
  };
  try {
    const tables = (await rows(`SELECT table_name FROM duckdb_tables()`)).map((r) => String(r.table_name));
    return await work({ dialect: 'duckdb', tables, rows, console: (sql, limit) => readOnlyQuery(instance, sql, { limit, timeoutMs: CONSOLE_TIMEOUT_MS }) });
  } finally {
    database.release();
  }
}

/** A PostgreSQL warehouse: a pool per read (the page asks every 10 s), read as the console reads it (readingSettings). */
async function withPostgres<T>(target: PostgresTarget, work: (reading: Reading) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ ...readingSettings(target), max: 4 });
  pool.on('error', () => undefined);
  const rows = async (sql: string) => (await pool.query(sql)).rows as Record<string, unknown>[];
  try {
    let tables: string[];
    try {
      tables = (await rows(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)).map((r) => String(r.table_name));
    } catch (error) {
      throw new HttpError(503, `the warehouse ${target.database} on ${target.host}:${target.port} cannot be read: ${(error as Error).message}`);
    }
    return await work({ dialect: 'postgresql', tables, rows, console: (sql, limit) => readOnlyQueryPostgres(target, sql, { limit, timeoutMs: CONSOLE_TIMEOUT_MS }) });
  } finally {
    await pool.end().catch(() => undefined);
  }
}

const CONSOLE_TIMEOUT_MS = 10_000;

/** Where the store's flow loads: a DuckDB file, or a PostgreSQL database. */
type WarehouseLocation = { readonly file: string } | { readonly postgres: PostgresTarget };

function withWarehouse<T>(location: WarehouseLocation, work: (reading: Reading) => Promise<T>): Promise<T> {
  return 'file' in location ? withDuckDB(location.file, work) : withPostgres(location.postgres, work);
}

export interface QuestionsAnswer {
  readonly period: { key: string; from?: string; to?: string };
  /** Quarters with sales, newest first, then "all". */
  readonly periods: string[];
  readonly sql: ReturnType<typeof questionSql>;
  /** Undefined while the warehouse has no sales yet (with `message` saying so). */
  readonly answers?: Answers;
  readonly freshness: Record<string, unknown>[];
  readonly message?: string;
}

/** A period key: "all", a quarter ("2026-Q3"), or undefined for last quarter. */
export function periodOf(key: string | null, now = Date.now()): { key: string; period: Period } {
  if (key === null || key === '' || key === 'last') return periodOf(previousQuarter(now));
  if (key === 'all') return { key, period: {} };
  const range = quarterRange(key);
  if (!range) throw badRequest(`period: "${key}" is not a quarter like 2026-Q3, "last" or "all"`);
  return { key, period: range };
}

/** What the Questions routes call: made by the server process (context.ts), never bundled into Next's routes. */
export function warehouseReaderOf(service: FlowService) {
  const location = () => storeWarehouse(service);
  return {
    questions: async (periodKey: string | null) => questions(await location(), periodKey),
    consoleQuery: async (sql: string, limit: number) => consoleQuery(await location(), sql, limit),
  };
}
export type WarehouseReader = ReturnType<typeof warehouseReaderOf>;

/**
 * The warehouse of the store's flow: the version on MariaDB + PostgreSQL while it runs, else the
 * embedded one; CONFLUX_WAREHOUSE when neither flow is there (renamed or deleted). Read from the
 * store, secrets in clear: the password stays in this process.
 */
async function storeWarehouse(service: FlowService): Promise<WarehouseLocation> {
  const flows = await service.listFlows();
  const store = [SHOP_SERVERS_FLOW_NAME, SHOP_FLOW_NAME].map((name) => flows.find((f) => f.name === name)).filter((f) => f !== undefined);
  const chosen = store.find((f) => f.running) ?? store.at(-1);
  const fallback = { file: demoWarehousePath() };
  if (!chosen) return fallback;
  const warehouse = (await service.store.getFlow(chosen.id))?.services.find((s) => s.type === 'DuckDBWarehouse' || s.type === 'PostgreSQLWarehouse');
  if (!warehouse) return fallback;
  const p = warehouse.properties;
  if (warehouse.type === 'DuckDBWarehouse') return typeof p.path === 'string' ? { file: p.path } : fallback;
  return { postgres: { host: String(p.host), port: Number(p.port), database: String(p.database), user: String(p.user), password: typeof p.password === 'string' ? p.password : undefined } };
}

async function questions(location: WarehouseLocation, periodKey: string | null): Promise<QuestionsAnswer> {
  const { key, period } = periodOf(periodKey);
  const bounds = { key, ...(period.from !== undefined && { from: new Date(period.from).toISOString() }), ...(period.to !== undefined && { to: new Date(period.to).toISOString() }) };
  return withWarehouse(location, async (reading) => {
    const sql = questionSql(period, reading.dialect);
    if (!reading.tables.includes(WAREHOUSE_TABLES.sales) || !reading.tables.includes(WAREHOUSE_TABLES.cart)) {
      return { period: bounds, periods: ['all'], sql, freshness: [], message: `The warehouse has no sales yet: start the store's flow ("${SHOP_FLOW_NAME}") and the answers appear as it loads.` };
    }
    const [answers, freshness, quarters] = await Promise.all([answerQuestions(reading.rows, period, reading.dialect), reading.rows(FRESHNESS_SQL), reading.rows(quartersSql(reading.dialect))]);
    return { period: bounds, periods: [...quarters.map((q) => String(q.quarter)), 'all'], sql, answers, freshness };
  });
}

/** The console: one reading statement over the warehouse, its rows up to `limit`, stopped after 10 s. */
async function consoleQuery(location: WarehouseLocation, sql: string, limit: number): Promise<ReadOnlyResult> {
  return withWarehouse(location, async (reading) => {
    try {
      return await reading.console(sql, limit);
    } catch (error) {
      // refusals and the database's own messages (bad SQL, a missing table) are the writer's to fix: 400
      throw badRequest((error as Error).message);
    }
  });
}
