/**
 * Dispatch: one compile function per node kind of the subset; anything else is not in the subset.
 */
import { asNode, expectShape, notInSubset, type AstNode, type CompileContext, type Evaluator } from './ast';
import { compileCall } from './calls';
import { compileArray, compileObject } from './constructors';
import { compileLiteral, compilePath, compileVariable } from './names';
import { compileBinary, compileBlock, compileCondition, compileNegate } from './operators';

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
    default:
      return notInSubset();
  }
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

/** A compile context whose `compile` dispatches here (see CompileContext). */
export function createContext(context: Omit<CompileContext, 'compile'>): CompileContext {
  const full: CompileContext = { ...context, compile: (node) => compileNode(asNode(node), full) };
  return full;
}
