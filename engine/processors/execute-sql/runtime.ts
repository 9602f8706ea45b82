import { isStatementError } from '../../services/sql/errors';
import type { QueryResult, SqlDatabase } from '../../services/sql/types';
import { useService } from '../../services/use-service';
import { implement, type FlowRecord } from '../../sdk';
import { bindParameters, parseNamedParameters, withPlaceholders } from './parameters';
import { executeSqlSpec } from './spec';

type Outcome = { result: QueryResult } | { error: string };

/** Thrown inside the first attempt's transaction to start over with a savepoint per record. */
const ISOLATE = Symbol('isolate failing records');

/**
 * A batch runs in one transaction, so a batch that is rolled back (the database went away) is
 * re-run as a whole and its writes happen once. A statement that fails for one record sends that
 * record to failure: PostgreSQL aborts a transaction on any error, so the batch is then run again
 * with a savepoint around each record (the fast path has one round trip per record, this one three).
 */
export default implement(executeSqlSpec, (ctx) => {
  const { props } = ctx;
  let prepared: { sql: string; parsed: ReturnType<typeof parseNamedParameters> } | undefined;

  function execute(db: SqlDatabase, batch: readonly FlowRecord[], isolate: boolean): Promise<Outcome[]> {
    prepared ??= (() => {
      const parsed = parseNamedParameters(props.sql, db.dialect.syntax);
      return { parsed, sql: withPlaceholders(parsed, db.dialect) };
    })();
    const { sql, parsed } = prepared;
    return db.transaction(async (tx) => {
      const outcomes: Outcome[] = [];
      for (const record of batch) {
        const bound = bindParameters(parsed, record);
        if ('error' in bound) {
          outcomes.push(bound);
          continue;
        }
        const statement = { sql, params: bound.values };
        try {
          outcomes.push({ result: isolate ? await tx.attempt(() => tx.run(statement)) : await tx.run(statement) });
        } catch (error) {
          if (!isStatementError(error)) throw error;
          if (!isolate) throw ISOLATE;
          outcomes.push({ error: error.message });
        }
      }
      return outcomes;
    });
  }

  return {
    async onTrigger(batch, session) {
      const db = await useService(ctx, 'sql', props.database);
      const outcomes = await execute(db, batch, false).catch((error) => (error === ISOLATE ? execute(db, batch, true) : Promise.reject(error)));
      batch.forEach((record, i) => {
        const outcome = outcomes[i];
        if ('error' in outcome) return session.fail(record, outcome.error);
        const { rows, returnsRows, affectedRows } = outcome.result;
        if (!returnsRows) {
          return session.transfer(session.update(record, { attributes: { 'sql.rows.affected': String(affectedRows) } }), 'success');
        }
        const attributes = { 'sql.row.count': String(rows.length) };
        if (props.results === 'array') return session.transfer(session.update(record, { content: rows, attributes }), 'success');
        for (const row of rows) session.transfer(session.update(session.clone(record), { content: row, attributes }), 'success');
        session.drop(record);
      });
    },
  };
});
