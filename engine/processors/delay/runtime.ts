import { setTimeout as sleep } from 'node:timers/promises';
import { implement } from '../../sdk';
import { delaySpec } from './spec';

export default implement(delaySpec, ({ props }) => ({
  async onTrigger(batch, session) {
    await sleep(props.delayMs);
    session.transferAll(batch, 'success');
  },
}));
