import type { DuckDBInstance } from '@duckdb/node-api';
import { openDatabase } from '../../engine/services/warehouse/duckdb/databases';
import { readOnlyQuery, ReadOnlyRefusal, type ReadOnlyResult } from '../../engine/services/warehouse/duckdb/read-only';
import { queryRows } from '../../engine/services/warehouse/duckdb/results';
import { SHOP_FLOW_NAME } from '../shop/flow';
import { answerQuestions, FRESHNESS_SQL, questionSql, QUARTERS_SQL, type Answers, type Period } from '../shop/questions';
import { previousQuarter, quarterRange } from '../shop/time';
import { demoWarehousePath } from './demo-flow';
import { badRequest, HttpError } from './http-error';

/**
 * Reading the embedded warehouse the shipped flow loads (CONFLUX_WAREHOUSE): the Questions page and
 * its SQL console. The file is opened through the same per-process instance the flow's warehouse
 * service uses (DuckDB lets one process open a file), and let go after each read, so a stopped flow
 * leaves it free for other programs.
 */
async function withWarehouse<T>(work: (instance: DuckDBInstance) => Promise<T>): Promise<T> {
  let database;
  try {
    database = await openDatabase(demoWarehousePath());
  } catch (error) {
    throw new HttpError(503, `the warehouse ${demoWarehousePath()} cannot be opened: ${(error as Error).message}`);
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
export const warehouseReaderOf = () => ({ questions, consoleQuery });
export type WarehouseReader = ReturnType<typeof warehouseReaderOf>;

async function questions(periodKey: string | null): Promise<QuestionsAnswer> {
  const { key, period } = periodOf(periodKey);
  const sql = questionSql(period);
  const bounds = { key, ...(period.from !== undefined && { from: new Date(period.from).toISOString() }), ...(period.to !== undefined && { to: new Date(period.to).toISOString() }) };
  return withWarehouse(async (instance) => {
    const hasTables = await rows(instance, `SELECT COUNT(*) AS n FROM duckdb_tables() WHERE table_name IN ('sales', 'cart_events')`);
    if (Number(hasTables[0].n) < 2) {
      return { period: bounds, periods: ['all'], sql, freshness: [], message: `The warehouse has no sales yet: start the flow "${SHOP_FLOW_NAME}" and the answers appear as it loads.` };
    }
    const query = (text: string) => rows(instance, text);
    const [answers, freshness, quarters] = await Promise.all([answerQuestions(query, period), query(FRESHNESS_SQL), query(QUARTERS_SQL)]);
    return { period: bounds, periods: [...quarters.map((q) => String(q.quarter)), 'all'], sql, answers, freshness };
  });
}

/** The console: one reading statement over the warehouse, its rows up to `limit`, stopped after 10 s. */
async function consoleQuery(sql: string, limit: number): Promise<ReadOnlyResult> {
  return withWarehouse(async (instance) => {
    try {
      return await readOnlyQuery(instance, sql, { limit, timeoutMs: 10_000 });
    } catch (error) {
      // refusals and DuckDB's own messages (bad SQL, a missing table) are the writer's to fix: 400
      throw badRequest(error instanceof ReadOnlyRefusal ? error.message : (error as Error).message);
    }
  });
}
