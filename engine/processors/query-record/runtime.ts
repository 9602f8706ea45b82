import { implement, type FlowRecord } from '../../sdk';
import { BatchDatabase } from './batch-database';
import { queryRecordSpec } from './spec';

const isRow = (content: unknown): content is Record<string, unknown> =>
  typeof content === 'object' && content !== null && !Array.isArray(content);

/** Attribute naming the query a result record came from. */
export const QUERY_NAME_ATTRIBUTE = 'query.name';

export default implement(queryRecordSpec, async ({ props }) => {
  const database = await BatchDatabase.open();
  for (const [name, sql] of Object.entries(props.queries)) {
    try {
      await database.check(sql);
    } catch (error) {
      await database.close();
      throw new Error(`query "${name}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  return {
    async onTrigger(batch, session) {
      const rows: FlowRecord[] = [];
      for (const record of batch) {
        if (isRow(record.content)) rows.push(record);
        else session.fail(record, 'QueryRecord queries records whose content is an object (one row); this one is not');
      }
      if (rows.length === 0) return;
      const outcome = await database.run(rows.map((r) => r.content as Record<string, unknown>), props.queries);
      if ('error' in outcome) {
        for (const record of rows) session.fail(record, outcome.error);
        return;
      }
      // the table's types are inferred from these very rows, so nothing should be rejected; if it is, say which
      const rejected = new Map(outcome.rejected.map((r) => [r.row, r.reason]));
      rows.forEach((record, i) => {
        const reason = rejected.get(i);
        if (reason === undefined) session.transfer(record, 'original');
        else session.fail(record, reason);
      });
      for (const [name, results] of outcome.results) {
        session.transferAll(session.createAll(results, { [QUERY_NAME_ATTRIBUTE]: name }), name);
      }
    },
    onStop: () => database.close(),
  };
});
