import { implement } from '../../sdk';
import type { CountView } from '../../protocol/views';
import { countSpec } from './spec';

export default implement(countSpec, () => {
  let count = 0;
  return {
    onTrigger(batch, session) {
      count += batch.length;
      session.dropAll(batch);
    },
    view: (): CountView => ({ count }),
  };
});
