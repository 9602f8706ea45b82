import { implement, type FlowRecord } from '../../sdk';
import type { InspectView } from '../../protocol/views';
import { inspectSpec } from './spec';

export default implement(inspectSpec, ({ props }) => {
  let recent: FlowRecord[] = [];
  return {
    onTrigger(batch, session) {
      recent = recent.concat(batch.slice(-props.keep)).slice(-props.keep);
      session.dropAll(batch);
    },
    view: (): InspectView => ({
      records: recent.map(({ id, attributes, content, entryTime }) => ({ id, attributes, content, entryTime })),
    }),
  };
});
