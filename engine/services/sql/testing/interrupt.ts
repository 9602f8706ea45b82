import type { SqlDatabase, SqlTransaction } from '../types';
import type { TcpProxy } from './tcp-proxy';

/**
 * The same database, except that the proxy in front of it is cut just before the `nth` write
 * (a statement in a transaction, or a bulk insert), counting across batches: "the database went
 * away mid-run", on cue.
 */
export function cutBeforeStatement(db: SqlDatabase, proxy: TcpProxy, nth: number): SqlDatabase {
  let statements = 0;
  const count = () => ++statements === nth && proxy.cut();
  const watched = (tx: SqlTransaction): SqlTransaction => ({
    run(statement) {
      count();
      return tx.run(statement);
    },
    attempt: (step) => tx.attempt(step),
    bulkInsert:
      tx.bulkInsert &&
      ((table, columns, rows) => {
        count();
        return tx.bulkInsert!(table, columns, rows);
      }),
  });
  return {
    ...db,
    transaction: (work) => db.transaction((tx) => work(watched(tx))),
    bulkInsert:
      db.bulkInsert &&
      ((table, columns, rows) => {
        count();
        return db.bulkInsert!(table, columns, rows);
      }),
  };
}
