/**
 * Dispatch: one compile function per node kind of the subset; anything else is not in the subset.
 */
import { asNode, expectShape, notInSubset, type AstNode, type CompileContext, type Evaluator } from './ast';
import { compileCall } from './calls';
import { compileArray, compileObject } from './constructors';
import { compileLiteral, compilePath, compileVariable } from './names';
import { compileBinary, compileBlock, compileCondition, compileNegate } from './operators';
import { reuseWithinEvaluation } from './repeated';

export function compileNode(node: AstNode, context: CompileContext): Evaluator {
  switch (node.type) {
    case 'number':
    case 'string':
    case 'value':
      return compileLiteral(expectShape(node, 'literal'));
    case 'variable':
      return compileVariable(expectShape(node, 'variable'), context);
    case 'path':
      return compilePath(expectShape(node, 'path'), context);
    case 'binary':
      return compileBinary(expectShape(node, 'binary'), context);
    case 'unary':
      return compileUnary(node, context);
    case 'condition':
      return compileCondition(expectShape(node, 'condition'), context);
    case 'block':
      return compileBlock(expectShape(node, 'block'), context);
    case 'function':
      return compileCall(expectShape(node, 'function'), context);
    case 'lambda':
      return compileTailCall(node, context);
    default:
      return notInSubset();
  }
}

/**
 * The parser wraps a call in tail position of a function literal's body (the body, a branch of a
 * condition, a block's last expression) in a thunk, which jsonata's apply() then calls in a loop
 * and whose result it takes as is: a sequence from $map, $filter, $keys or $match is not unwrapped
 * there (`$map(objects, function($o) { $keys($o) })` gives `[["a"], []]`). Function literals
 * anywhere else are compiled by the functions that take them (lambda.ts), or are outside the subset.
 */
function compileTailCall(node: AstNode, context: CompileContext): Evaluator {
  if (node.thunk !== true) return notInSubset();
  expectShape(node, 'thunk');
  return compileCall(expectShape(asNode(node.body), 'function'), context, true);
}

function compileUnary(node: AstNode, context: CompileContext): Evaluator {
  switch (node.value) {
    case '-':
      return compileNegate(expectShape(node, 'negate'), context);
    case '[':
      return compileArray(expectShape(node, 'array'), context);
    case '{':
      return compileObject(expectShape(node, 'object'), context);
    default:
      return notInSubset();
  }
}

/**
 * A compile context whose `compile` dispatches here (see CompileContext). A repeated node (see
 * repeated.ts) is compiled once, for all its occurrences, into an evaluator that keeps its value for
 * the rest of the evaluation; only outside function literals (their bodies are never among them).
 */
export function createContext(
  context: Omit<CompileContext, 'compile' | 'within' | 'scope'> & { scope?: CompileContext['scope']; reused?: Map<string, Evaluator> },
): CompileContext {
  const scope = context.scope ?? new Map<string, Evaluator>();
  const reused = context.reused ?? new Map<string, Evaluator>();
  const full: CompileContext = {
    ...context,
    scope,
    compile: (node) => {
      const checked = asNode(node);
      const key = scope.size === 0 ? context.repeated.get(checked) : undefined;
      if (key === undefined) return compileNode(checked, full);
      let evaluate = reused.get(key);
      if (evaluate === undefined) {
        evaluate = reuseWithinEvaluation(compileNode(checked, full), context.evaluation);
        context.evaluation.used = true;
        reused.set(key, evaluate);
      }
      return evaluate;
    },
    within: (parameters) => createContext({ ...context, scope: new Map([...scope, ...parameters]), reused }),
  };
  return full;
}
