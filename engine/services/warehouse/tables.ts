import type { Field, RecordSchema } from '../../records/schema';
import { isNothingToDo, planTable } from './evolution';
import type { Column, TablePolicy } from './types';

/** The statements an engine runs for Tables, in its own SQL dialect and types. */
export interface TableStatements {
  /** The table's columns in order, or undefined when it does not exist. */
  readColumns(table: string): Promise<readonly Column[] | undefined>;
  createTable(table: string, fields: readonly Field[]): Promise<void>;
  addColumns(table: string, fields: readonly Field[]): Promise<void>;
  /** Change these integer columns to the fields' (wider) type, keeping their values. */
  widenColumns(table: string, fields: readonly Field[]): Promise<void>;
}

/**
 * describe() and ensureTable() for every warehouse: known tables' columns cached (kept current by our
 * own DDL, forgotten after a failed load), and DDL run one statement set at a time, so two batches
 * creating the same table at once do not collide (DuckDB and PostgreSQL both fail one of two racing
 * CREATEs). Another program changing a table is noticed when a load into it fails.
 */
export class Tables {
  private readonly known = new Map<string, readonly Column[]>();
  private ddl: Promise<unknown> = Promise.resolve();

  constructor(private readonly statements: TableStatements) {}

  async describe(table: string): Promise<readonly Column[] | undefined> {
    return this.known.get(table) ?? this.read(table);
  }

  async ensure(table: string, schema: RecordSchema, policy: TablePolicy): Promise<readonly Column[]> {
    const known = this.known.get(table);
    if (known && isNothingToDo(planTable(table, known, schema, policy))) return known;
    const run = this.ddl.then(async () => {
      // the DDL before ours may have been for this table: plan again from what it left
      const existing = this.known.get(table) ?? (await this.read(table));
      const plan = planTable(table, existing, schema, policy);
      if (isNothingToDo(plan)) return existing!;
      if ('create' in plan) await this.statements.createTable(table, plan.create);
      else {
        if (plan.add.length > 0) await this.statements.addColumns(table, plan.add);
        if (plan.widen.length > 0) await this.statements.widenColumns(table, plan.widen);
      }
      const columns = await this.read(table);
      if (!columns) throw new Error(`table "${table}" is missing right after it was created`);
      return columns;
    });
    this.ddl = run.catch(() => undefined);
    return run;
  }

  /** Drop what is known of these tables: a load into them failed, they may have changed. */
  forget(tables: readonly string[]): void {
    for (const table of tables) this.known.delete(table);
  }

  private async read(table: string): Promise<readonly Column[] | undefined> {
    const columns = await this.statements.readColumns(table);
    if (columns) this.known.set(table, columns);
    else this.known.delete(table);
    return columns;
  }
}
