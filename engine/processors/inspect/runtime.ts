import { implement, type FlowRecord } from '../../sdk';
import { inspectSpec } from './spec';

export default implement(inspectSpec, ({ props }) => {
  let recent: FlowRecord[] = [];
  return {
    onTrigger(batch, session) {
      recent = recent.concat(batch.slice(-props.keep)).slice(-props.keep);
      for (const record of batch) session.drop(record);
    },
    view: () => ({
      records: recent.map(({ id, attributes, content, entryTime }) => ({ id, attributes, content, entryTime })),
    }),
  };
});
