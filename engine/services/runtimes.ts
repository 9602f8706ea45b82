import type { ServiceImplementation } from '../sdk';
import kafkaCluster from './kafka/runtime';
import mysqlPool from './sql/mysql/runtime';
import postgresqlPool from './sql/postgresql/runtime';
import sqlitePool from './sql/sqlite/runtime';
import duckdbWarehouse from './warehouse/duckdb/runtime';
import postgresWarehouse from './warehouse/postgresql/runtime';

/** Every controller service's runtime (Node only). Each spec in specs.ts has exactly one here. */
export const serviceImplementations: readonly ServiceImplementation[] = [postgresqlPool, mysqlPool, sqlitePool, duckdbWarehouse, postgresWarehouse, kafkaCluster];
