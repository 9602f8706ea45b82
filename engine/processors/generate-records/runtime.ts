import { implement } from '../../sdk';
import { compileExpression } from '../../expression/jsonata';
import { generateRecordsSpec } from './spec';

export default implement(generateRecordsSpec, ({ props, batchSize }) => {
  const template = compileExpression(props.template);
  let generated = 0;
  // Token bucket: a stall (back pressure) does not turn into a burst larger than one batch.
  const burst = Math.max(1, Math.min(batchSize, props.rate));
  let tokens = 0;
  let last = Date.now();

  return {
    async onTrigger(_batch, session) {
      const remaining = props.limit > 0 ? props.limit - generated : Infinity;
      if (remaining <= 0) return session.yield(1000);
      let count = Math.min(batchSize, remaining);
      if (props.rate > 0) {
        const now = Date.now();
        tokens = Math.min(tokens + ((now - last) * props.rate) / 1000, burst);
        last = now;
        count = Math.min(count, Math.floor(tokens));
        if (count === 0) return session.yield(Math.ceil(((1 - tokens) * 1000) / props.rate));
        tokens -= count;
      }
      for (let n = 0; n < count; n++) {
        const content = await template.evaluate({}, { i: generated });
        session.transfer(session.create(content), 'success');
        generated++;
      }
    },
  };
});
