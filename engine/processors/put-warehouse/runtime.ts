import { inferSchema } from '../../records/schema';
import { implement, type FlowRecord, type ProcessSession } from '../../sdk';
import type { Column, TableLoad, TablePolicy, Warehouse } from '../../services/warehouse/types';
import { useService } from '../../services/use-service';
import { missingKeyColumns } from '../../services/warehouse/merge';
import { keyColumnsOf, putWarehouseSpec, tableNameFor } from './spec';

type Row = Readonly<Record<string, unknown>>;
const isRow = (content: unknown): content is Row => typeof content === 'object' && content !== null && !Array.isArray(content);

export default implement(putWarehouseSpec, (ctx) => {
  const { props } = ctx;
  const policy: TablePolicy = { create: props.createTable, addColumns: props.schemaEvolution === 'add-columns' };
  // a fixed name (no ${attribute}) is the common case: no substitution per record
  const fixedTable = props.table.includes('${') ? undefined : { table: props.table };
  const keys = props.mode === 'merge' ? keyColumnsOf(props.keyColumns) : undefined;

  /** Records by table name; those that cannot name a table, or are not rows, go to failure. */
  function groupByTable(batch: readonly FlowRecord[], session: ProcessSession): Map<string, FlowRecord[]> {
    const groups = new Map<string, FlowRecord[]>();
    for (const record of batch) {
      if (!isRow(record.content)) {
        session.fail(record, 'PutWarehouse loads records whose content is an object (one row); this one is not');
        continue;
      }
      const name = fixedTable ?? tableNameFor(props.table, record.attributes);
      if ('missing' in name) {
        session.fail(record, `attribute "${name.missing}" is missing or empty; the table name ${props.table} needs it`);
        continue;
      }
      const group = groups.get(name.table);
      if (group) group.push(record);
      else groups.set(name.table, [record]);
    }
    return groups;
  }

  /** The table's columns, after creating it or adding columns when the records bring fields it lacks. */
  async function prepareTable(warehouse: Warehouse, table: string, rows: readonly Row[]): Promise<readonly Column[]> {
    try {
      const columns = await warehouse.describe(table);
      if (columns && !needsTableChange(rows, columns)) return columns;
      // inference reads every value: only when the table is new, a new field appeared or an integer column gets fractions
      return await warehouse.ensureTable(table, inferSchema(rows), policy);
    } catch (error) {
      throw new Error(`preparing table "${table}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  return {
    async onTrigger(batch, session) {
      // per trigger, not at start: a warehouse that cannot open yet is an outage (retry), not a broken processor
      const warehouse = await useService(ctx, 'warehouse', props.warehouse);
      const loads: TableLoad[] = [];
      const loadedRecords: FlowRecord[][] = [];
      for (const [table, group] of groupByTable(batch, session)) {
        const rows = group.map((r) => r.content as Row);
        const columns = await prepareTable(warehouse, table, rows);
        const records = props.schemaEvolution === 'fail' ? withoutUnknownFields(table, group, columns, session) : group;
        if (records.length === 0) continue;
        const load: TableLoad = { table, columns, rows: records === group ? rows : records.map((r) => r.content as Row), keys };
        const missing = missingKeyColumns(load);
        if (missing.length > 0) {
          for (const record of records) session.fail(record, `table "${table}" has no key column ${missing.map((k) => `"${k}"`).join(', ')} to merge on`);
          continue;
        }
        loads.push(load);
        loadedRecords.push(records);
      }
      // a throw here (warehouse down) rolls the whole batch back: nothing was committed, nothing is lost
      const results = loads.length > 0 ? await warehouse.load(loads) : [];
      results.forEach((result, i) => {
        const records = loadedRecords[i];
        const reasons = new Map(result.rejected.map((r) => [r.row, r.reason]));
        records.forEach((record, row) => {
          const reason = reasons.get(row);
          if (reason === undefined) session.transfer(record, 'success');
          else session.fail(record, reason);
        });
      });
    },
  };
});

/**
 * Whether the table may need DDL before these rows load: a field without a column, or a fraction for
 * an integer column (which widens to double). A table created from whole prices, or from one region's
 * batch, must still take 9.99 when it comes in a later batch whose fields are all known.
 */
function needsTableChange(rows: readonly Row[], columns: readonly Column[]): boolean {
  const integers = new Set<string>();
  const known = new Set<string>();
  for (const c of columns) {
    known.add(c.name);
    if (c.type === 'integer') integers.add(c.name);
  }
  for (const row of rows) {
    for (const field in row) {
      if (!known.has(field)) return true;
      if (integers.has(field)) {
        const value = row[field];
        if (typeof value === 'number' && !Number.isInteger(value)) return true;
      }
    }
  }
  return false;
}

/** schemaEvolution "fail": records with a field the table has no column for go to failure. */
function withoutUnknownFields(table: string, records: readonly FlowRecord[], columns: readonly Column[], session: ProcessSession): FlowRecord[] {
  const known = new Set(columns.map((c) => c.name));
  return records.filter((record) => {
    const unknown = Object.keys(record.content as Row).find((field) => !known.has(field));
    if (unknown !== undefined) session.fail(record, `table "${table}" has no column "${unknown}" and new fields are set to fail`);
    return unknown === undefined;
  });
}
