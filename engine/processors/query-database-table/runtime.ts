import { pageStatement } from '../../services/sql/statements';
import type { SqlDatabase } from '../../services/sql/types';
import { useService } from '../../services/use-service';
import { implement, memoUntilFailure } from '../../sdk';
import { positionFor, readPlan, type ReadPlan, type Watermark } from './read-plan';
import { queryDatabaseTableSpec } from './spec';

/**
 * One page per trigger: `WHERE (keyset) > watermark ORDER BY keyset LIMIT page`. The watermark is
 * session state, so it moves only when the page's records are committed downstream (a rollback
 * re-reads the page) and it survives restarts. The keyset ends with tie-breakers, so a page that
 * ends inside a run of equal max values resumes inside that run: nothing skipped, nothing twice.
 */
export default implement(queryDatabaseTableSpec, (ctx) => {
  const { props } = ctx;
  /**
   * Made again after a failure and each time the table is read to its end, so columns added (or
   * dropped) meanwhile are seen without a restart: one more small query per poll, none during a bulk load.
   */
  const plan = memoUntilFailure((db: SqlDatabase) => db.describeTable(props.table).then((info): ReadPlan => readPlan(props, info)));

  return {
    async onTrigger(_batch, session) {
      const db = await useService(ctx, 'sql', props.database);
      const read = await plan.get(db);
      const { table, columns, orderColumns, hidden } = read;
      const after = positionFor(read, ctx.state());
      const limit = Math.min(props.pageSize, ctx.batchSize);
      const statement = pageStatement(db.dialect, { table, columns, orderColumns, after, where: props.where, limit });
      const { rows } = await db.run(statement).catch((error: unknown) => {
        plan.forget(); // a column renamed or dropped: describe the table again, and say so then
        throw error;
      });
      // a short page means the table is read to its end for now; a full one that more may follow,
      // so run again at once even under a TIMER or CRON schedule (an initial load is many pages).
      // Not from onCommitted: the next page starts from the watermark this commit sets in memory
      // (triggers run one at a time), and nothing upstream waits for the disk, so the commit need
      // not be written before the next page is read
      if (rows.length < limit) {
        session.yield(props.pollIntervalMs);
        plan.forget();
      } else {
        ctx.wake();
      }
      if (rows.length === 0) return;
      const attributes = { 'sql.table': table, 'sql.database.type': db.dialect.type };
      const last = rows[rows.length - 1];
      const watermark: Watermark = { table, orderColumns, after: orderColumns.map((c) => last[c]) };
      for (const row of rows) for (const column of hidden) delete row[column];
      session.transferAll(session.createAll(rows, attributes), 'success');
      session.setState(watermark);
    },
  };
});
