import type { SqlDatabase } from '../../services/sql/types';
import { useService } from '../../services/use-service';
import { implement, memoUntilFailure, type FlowRecord } from '../../sdk';
import { putDatabaseRecordSpec } from './spec';
import { targetOf, type Row, type Target } from './target';
import { writeBatch } from './write';

/** A table whose layout lacks some records' fields is described again at most this often (an ALTER TABLE may have added them). */
const REDESCRIBE_AFTER_MS = 1_000;

/**
 * A batch is written atomically: by COPY for plain inserts into PostgreSQL, by multi-row statements
 * in one transaction otherwise. Records the database refuses are isolated (see write.ts) and go to
 * failure; the rest are committed and go to success. If the database goes away the transaction is
 * rolled back and the processor throws, so the engine retries the whole batch later: at least once,
 * and with upsert no duplicates.
 */
export default implement(putDatabaseRecordSpec, (ctx) => {
  const { props } = ctx;
  const target = memoUntilFailure((db: SqlDatabase) => db.describeTable(props.table).then((info) => targetOf(props, info)));

  function rowsOf(into: Target, batch: readonly FlowRecord[]): { rows: Row[]; failures: Map<number, string> } {
    const failures = new Map<number, string>();
    const rows: Row[] = [];
    for (let index = 0; index < batch.length; index++) {
      const row = into.rowOf(batch[index].content, index);
      if ('error' in row) failures.set(index, row.error);
      else rows.push(row);
    }
    return { rows, failures };
  }

  return {
    async onTrigger(batch, session) {
      const db = await useService(ctx, 'sql', props.database);
      let into = await target.get(db);
      let { rows, failures } = rowsOf(into, batch);
      if (into.hasUnmatchedFields() && Date.now() - into.describedAt > REDESCRIBE_AFTER_MS) {
        target.forget();
        into = await target.get(db);
        ({ rows, failures } = rowsOf(into, batch));
      }
      const refused = rows.length > 0 ? await writeBatch(db, into, rows, props.statementRows) : undefined;
      refused?.forEach((message, index) => failures.set(index, message));
      if (failures.size === 0) return session.transferAll(batch, 'success');
      for (let index = 0; index < batch.length; index++) {
        const failure = failures.get(index);
        if (failure === undefined) session.transfer(batch[index], 'success');
        else session.fail(batch[index], failure);
      }
    },
  };
});
