import { DuckDBInstance, quotedIdentifier } from '@duckdb/node-api';
import { inferSchema } from '../../records/schema';
import { appendRows } from '../../services/warehouse/duckdb/append';
import { Connections } from '../../services/warehouse/duckdb/connections';
import { queryRows } from '../../services/warehouse/duckdb/results';
import { DUCKDB_TYPES } from '../../services/warehouse/duckdb/types';
import type { Column, Rejection } from '../../services/warehouse/types';

type Row = Readonly<Record<string, unknown>>;

export type BatchOutcome =
  | { readonly results: ReadonlyMap<string, Record<string, unknown>[]>; readonly rejected: readonly Rejection[] }
  | { readonly error: string };

/**
 * A private in-memory DuckDB in which each batch becomes the temp table `records`. Temp tables belong
 * to their connection, so concurrent triggers each take a connection and never see each other's
 * batch. The database may not read or write files: the queries are about the records only.
 */
export class BatchDatabase {
  private readonly connections: Connections;

  static async open(): Promise<BatchDatabase> {
    return new BatchDatabase(await DuckDBInstance.create(':memory:', { enable_external_access: 'false' }));
  }

  private constructor(private readonly instance: DuckDBInstance) {
    this.connections = new Connections(instance);
  }

  /** Parse a query: the syntax is checkable before any record arrives, the names in it are not. */
  async check(sql: string): Promise<void> {
    await this.connections.use(async (connection) => {
      const statements = await connection.extractStatements(sql).catch((error: unknown) => {
        throw new Error(String(error instanceof Error ? error.message : error).replace(/^Failed to extract statements: /, ''));
      });
      if (statements.count !== 1) throw new Error(`expected one SQL statement, found ${statements.count}`);
    });
  }

  /** Load rows as `records` (typed from their values) and run each query over them. */
  run(rows: readonly Row[], queries: Readonly<Record<string, string>>): Promise<BatchOutcome> {
    return this.connections.use(async (connection) => {
      const columns: Column[] = inferSchema(rows).fields.map((f) => ({ name: f.name, type: f.type, nullable: true, sqlType: DUCKDB_TYPES[f.type] }));
      if (columns.length === 0) return { error: 'the records have no fields to query' };
      const definition = columns.map((c) => `${quotedIdentifier(c.name)} ${c.sqlType}`).join(', ');
      await connection.run(`CREATE OR REPLACE TEMP TABLE records (${definition})`);
      try {
        const { rejected } = await appendRows(connection, { table: 'records', catalog: 'temp' }, columns, rows);
        const results = new Map<string, Record<string, unknown>[]>();
        for (const [name, sql] of Object.entries(queries)) {
          try {
            results.set(name, await queryRows(connection, sql));
          } catch (error) {
            return { error: `query "${name}" failed: ${error instanceof Error ? error.message : String(error)}` };
          }
        }
        return { results, rejected };
      } finally {
        await connection.run('DROP TABLE IF EXISTS temp.records');
      }
    });
  }

  async close(): Promise<void> {
    await this.connections.close();
    this.instance.closeSync();
  }
}
