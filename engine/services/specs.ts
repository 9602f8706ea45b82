import type { AnyServiceSpec } from '../sdk';
import { kafkaClusterSpec } from './kafka/spec';
import { mysqlPoolSpec } from './sql/mysql/spec';
import { postgresqlPoolSpec } from './sql/postgresql/spec';
import { sqlitePoolSpec } from './sql/sqlite/spec';
import { duckdbWarehouseSpec } from './warehouse/duckdb/spec';
import { postgresWarehouseSpec } from './warehouse/postgresql/spec';

/** Every controller service type's spec (browser-safe): the services panel and validation read this. */
export const serviceSpecs: readonly AnyServiceSpec[] = [postgresqlPoolSpec, mysqlPoolSpec, sqlitePoolSpec, duckdbWarehouseSpec, postgresWarehouseSpec, kafkaClusterSpec];

const byType = new Map(serviceSpecs.map((s) => [s.type, s]));

export function serviceSpecOf(type: string): AnyServiceSpec | undefined {
  return byType.get(type);
}
