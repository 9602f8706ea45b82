import type { DuckDBInstance } from '@duckdb/node-api';
import { openDatabase } from '../../engine/services/warehouse/duckdb/databases';
import { readOnlyQuery, ReadOnlyRefusal, type ReadOnlyResult } from '../../engine/services/warehouse/duckdb/read-only';
import { queryRows } from '../../engine/services/warehouse/duckdb/results';
import { SHOP_FLOW_NAME, SHOP_SERVERS_FLOW_NAME } from '../shop/flow';
import { answerQuestions, FRESHNESS_SQL, questionSql, QUARTERS_SQL, type Answers, type Period } from '../shop/questions';
import { previousQuarter, quarterRange } from '../shop/time';
import { demoWarehousePath } from './demo-flow';
import type { FlowService } from './flow-service';
import { badRequest, HttpError } from './http-error';

/**
 * Reading the warehouse the store's flow loads: the Questions page and its SQL console. The file is
 * opened through the same per-process instance the flow's warehouse service uses (DuckDB lets one
 * process open a file), and let go after each read, so a stopped flow leaves it free for other programs.
 */
async function withWarehouse<T>(file: string, work: (instance: DuckDBInstance) => Promise<T>): Promise<T> {
  let database;
  try {
    database = await openDatabase(file);
  } catch (error) {
    throw new HttpError(503, `the warehouse ${file} cannot be opened: ${(error as Error).message}`);
  }
  try {
    return await work(database.instance);
  } finally {
    database.release();
  }
}

async function rows(instance: DuckDBInstance, sql: string): Promise<Record<string, unknown>[]> {
  const connection = await instance.connect();
  try {
    return await queryRows(connection, sql);
  } finally {
    connection.closeSync();
  }
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
  const file = () => storeWarehouse(service);
  return {
    questions: async (periodKey: string | null) => questions(await file(), periodKey),
    consoleQuery: async (sql: string, limit: number) => consoleQuery(await file(), sql, limit),
  };
}
export type WarehouseReader = ReturnType<typeof warehouseReaderOf>;

/**
 * The DuckDB file of the store's flow: the version on MariaDB + PostgreSQL while it runs, else the
 * embedded one; CONFLUX_WAREHOUSE when neither flow is there (renamed or deleted).
 */
async function storeWarehouse(service: FlowService): Promise<string> {
  const flows = await service.listFlows();
  const store = [SHOP_SERVERS_FLOW_NAME, SHOP_FLOW_NAME].map((name) => flows.find((f) => f.name === name)).filter((f) => f !== undefined);
  const chosen = store.find((f) => f.running) ?? store.at(-1);
  if (!chosen) return demoWarehousePath();
  const warehouse = (await service.getFlow(chosen.id)).services.find((s) => s.type === 'DuckDBWarehouse');
  return typeof warehouse?.properties.path === 'string' ? warehouse.properties.path : demoWarehousePath();
}

async function questions(file: string, periodKey: string | null): Promise<QuestionsAnswer> {
  const { key, period } = periodOf(periodKey);
  const sql = questionSql(period);
  const bounds = { key, ...(period.from !== undefined && { from: new Date(period.from).toISOString() }), ...(period.to !== undefined && { to: new Date(period.to).toISOString() }) };
  return withWarehouse(file, async (instance) => {
    const hasTables = await rows(instance, `SELECT COUNT(*) AS n FROM duckdb_tables() WHERE table_name IN ('sales', 'cart_events')`);
    if (Number(hasTables[0].n) < 2) {
      return { period: bounds, periods: ['all'], sql, freshness: [], message: `The warehouse has no sales yet: start the store's flow ("${SHOP_FLOW_NAME}") and the answers appear as it loads.` };
    }
    const query = (text: string) => rows(instance, text);
    const [answers, freshness, quarters] = await Promise.all([answerQuestions(query, period), query(FRESHNESS_SQL), query(QUARTERS_SQL)]);
    return { period: bounds, periods: [...quarters.map((q) => String(q.quarter)), 'all'], sql, answers, freshness };
  });
}

/** The console: one reading statement over the warehouse, its rows up to `limit`, stopped after 10 s. */
async function consoleQuery(file: string, sql: string, limit: number): Promise<ReadOnlyResult> {
  return withWarehouse(file, async (instance) => {
    try {
      return await readOnlyQuery(instance, sql, { limit, timeoutMs: 10_000 });
    } catch (error) {
      // refusals and DuckDB's own messages (bad SQL, a missing table) are the writer's to fix: 400
      throw badRequest(error instanceof ReadOnlyRefusal ? error.message : (error as Error).message);
    }
  });
}
