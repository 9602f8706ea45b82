import { implement } from '../../sdk';
import { compileExpression, evaluateEach, type CompiledExpression } from '../../expression/jsonata';
import { routeOnFieldSpec } from './spec';

type Route = { name: string; predicate: CompiledExpression };

/** Names of the routes whose predicate is true, in order; a promise only if a predicate needed the interpreter. */
function matchRoutes(routes: readonly Route[], content: unknown, firstOnly: boolean, from = 0, matched: string[] = []): string[] | Promise<string[]> {
  for (let i = from; i < routes.length; i++) {
    const result = routes[i].predicate.evaluate(content);
    if (result instanceof Promise) {
      return result.then((value) => {
        if (value === true) {
          matched.push(routes[i].name);
          if (firstOnly) return matched;
        }
        return matchRoutes(routes, content, firstOnly, i + 1, matched);
      });
    }
    if (result === true) {
      matched.push(routes[i].name);
      if (firstOnly) break;
    }
  }
  return matched;
}

export default implement(routeOnFieldSpec, ({ props }) => {
  const routes = Object.entries(props.routes).map(([name, predicate]) => ({ name, predicate: compileExpression(predicate) }));
  const firstOnly = props.strategy === 'first';

  return {
    onTrigger: (batch, session) =>
      evaluateEach(
        batch.length,
        (i) => matchRoutes(routes, batch[i].content, firstOnly),
        (i, value) => {
          const record = batch[i];
          const matched = value as string[];
          if (matched.length === 0) return session.transfer(record, 'unmatched');
          matched.forEach((name, index) => session.transfer(index === 0 ? record : session.clone(record), name));
        },
        (i, message) => session.fail(batch[i], message),
      ),
  };
});
