import type { SqlDatabase } from '../../services/sql/types';
import { useService } from '../../services/use-service';
import { implement } from '../../sdk';
import { putDatabaseRecordSpec } from './spec';
import { targetOf, type Row, type Target } from './target';
import { writeBatch } from './write';

/**
 * A batch is written atomically: by COPY for plain inserts into PostgreSQL, by multi-row statements
 * in one transaction otherwise. Records the database refuses are isolated (see write.ts) and go to
 * failure; the rest are committed and go to success. If the database goes away the transaction is
 * rolled back and the processor throws, so the engine retries the whole batch later: at least once,
 * and with upsert no duplicates.
 */
export default implement(putDatabaseRecordSpec, (ctx) => {
  const { props } = ctx;
  let resolved: Promise<Target> | undefined;

  /** Resolved on first use (the database may be down at start); tried again after a failure. */
  function target(db: SqlDatabase): Promise<Target> {
    if (!resolved) {
      resolved = db.describeTable(props.table).then((info) => targetOf(props, info));
      resolved.catch(() => (resolved = undefined));
    }
    return resolved;
  }

  return {
    async onTrigger(batch, session) {
      const db = await useService(ctx, 'sql', props.database);
      const into = await target(db);
      const failures = new Map<number, string>();
      const rows: Row[] = [];
      for (let index = 0; index < batch.length; index++) {
        const row = into.rowOf(batch[index].content, index);
        if ('error' in row) failures.set(index, row.error);
        else rows.push(row);
      }
      const refused = rows.length > 0 ? await writeBatch(db, into, rows, props.statementRows) : undefined;
      refused?.forEach((message, index) => failures.set(index, message));
      for (let index = 0; index < batch.length; index++) {
        const failure = failures.get(index);
        if (failure === undefined) session.transfer(batch[index], 'success');
        else session.fail(batch[index], failure);
      }
    },
  };
});
