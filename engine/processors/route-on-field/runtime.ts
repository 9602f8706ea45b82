import { implement } from '../../sdk';
import { compileExpression, describeJsonataError } from '../../expression/jsonata';
import { routeOnFieldSpec } from './spec';

export default implement(routeOnFieldSpec, ({ props }) => {
  const routes = Object.entries(props.routes).map(([name, predicate]) => ({ name, predicate: compileExpression(predicate) }));

  return {
    async onTrigger(batch, session) {
      for (const record of batch) {
        const matched: string[] = [];
        try {
          for (const route of routes) {
            if ((await route.predicate.evaluate(record.content)) === true) {
              matched.push(route.name);
              if (props.strategy === 'first') break;
            }
          }
        } catch (error) {
          session.fail(record, describeJsonataError(error));
          continue;
        }
        if (matched.length === 0) {
          session.transfer(record, 'unmatched');
          continue;
        }
        matched.forEach((name, index) => {
          session.transfer(index === 0 ? record : session.clone(record), name);
        });
      }
    },
  };
});
