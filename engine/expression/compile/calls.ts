/**
 * Calls to registered functions (with or without a signature). Built-ins are in builtins.ts.
 */
import type { FunctionSpec, NativeFunction } from '../compile';
import { asNode, expectShape, isLiteral, notInSubset, type AstNode, type Bindings, type CompileContext, type Evaluator } from './ast';
import { compileBuiltinCall } from './builtins';
import { sharedConstant } from './constructors';
import { checkArgument, compileOptionalSignature, isUnchecked, parseSignature, passesUnchanged, UNCHECKED, type Parameter } from './signature';
import { bail, hasOwn, isBound, isJsonataFunction } from './values';

type Implementation = (...args: unknown[]) => unknown;

/**
 * evaluateFunction with a `$name` procedure. jsonata resolves the name in the bindings first (a
 * shadowing binding bails at run time), then registered functions (including ones that override
 * $now/$millis), then built-ins. Arguments are evaluated eagerly, left to right. A parameter of an
 * enclosing function literal with the name would be called instead: outside the subset.
 *
 * `tail`: the call is a function literal's tail call (see compileTailCall); it only matters to
 * built-ins that return sequences (registered functions returning arrays bail anyway).
 */
export function compileCall(node: AstNode, context: CompileContext, tail = false): Evaluator {
  if (node.name !== undefined) return notInSubset();
  const procedure = expectShape(asNode(node.procedure), 'variable');
  const name = procedure.value;
  if (procedure.type !== 'variable' || typeof name !== 'string' || name === '' || name === '$') return notInSubset();
  if (context.scope.has(name)) return notInSubset();
  const args = (node.arguments ?? notInSubset()).map(asNode);
  return hasOwn(context.functions, name)
    ? compileRegisteredCall(name, context.functions[name], args, context)
    : compileBuiltinCall(name, args, context, tail);
}

/**
 * A registered function: validate the arguments as jsonata's signature would (T0410 -> bail), call
 * the implementation, and keep only plain results (applyInner awaits promises and steps generators;
 * arrays and functions are outside the subset). A throwing implementation bails so the interpreter
 * raises the error with jsonata's position and token.
 *
 * An argument that is an array or object constructor made only of literals (`$pick(["a", "b"])`,
 * see constantValue) is built once and passed deep-frozen to every call, instead of a new one per
 * call, when the parameter takes it as is. It can never reach the result: such calls bail unless
 * the result is a primitive. Mutating it throws in strict-mode code (a TypeError, so the call bails
 * and the interpreter calls again with a fresh value).
 *
 * Up to three arguments, the implementation is called directly (no argument array, no apply).
 */
function compileRegisteredCall(name: string, definition: NativeFunction | FunctionSpec, argNodes: readonly AstNode[], context: CompileContext): Evaluator {
  const implementation = (typeof definition === 'function' ? definition : definition.implementation) as Implementation;
  const signature = typeof definition === 'function' ? undefined : definition.signature;
  const arity = argNodes.length;
  let params: Parameter[] = argNodes.map(() => UNCHECKED);
  if (signature !== undefined) {
    const parsed = parseSignature(signature, arity);
    if (parsed.params.some((param) => param.optional)) {
      const validate = compileOptionalSignature(parsed.params, parsed.pattern);
      const args = argNodes.map((arg) => context.compile(arg));
      return (input, bindings) => {
        if (isBound(bindings, name)) bail();
        return checkResult(apply(implementation, validate(args.map((arg) => arg(input, bindings)))));
      };
    }
    params = parsed.params; // as many as arguments: parseSignature checked the pattern
  }
  let shared = false;
  const args = argNodes.map((node, index) => {
    const constant = sharedConstant(node);
    if (constant !== undefined && passesUnchanged(params[index], constant.value)) {
      shared = true;
      const value = constant.value;
      return () => value;
    }
    const evaluate = context.compile(node);
    const param = params[index];
    // A literal argument (`$randomInt(1, 5)`) is checked once, here, when it passes as is.
    const known = isLiteral(node) && passesUnchanged(param, node.value);
    return known || isUnchecked(param) ? evaluate : (input: unknown, bindings: Bindings) => checkArgument(param, evaluate(input, bindings));
  });
  const finish = shared ? checkPrimitiveResult : checkResult;
  const [e0, e1, e2] = args;
  switch (arity) {
    case 0:
      return (_input, bindings) => (isBound(bindings, name) ? bail() : finish(call0(implementation)));
    case 1:
      return (input, bindings) => (isBound(bindings, name) ? bail() : finish(call1(implementation, e0(input, bindings))));
    case 2:
      return (input, bindings) => {
        if (isBound(bindings, name)) bail();
        const a0 = e0(input, bindings);
        return finish(call2(implementation, a0, e1(input, bindings)));
      };
    case 3:
      return (input, bindings) => {
        if (isBound(bindings, name)) bail();
        const a0 = e0(input, bindings);
        const a1 = e1(input, bindings);
        return finish(call3(implementation, a0, a1, e2(input, bindings)));
      };
    default:
      return (input, bindings) => {
        if (isBound(bindings, name)) bail();
        return finish(apply(implementation, args.map((arg) => arg(input, bindings))));
      };
  }
}

/*
 * The implementation runs with `this` undefined (see the header of compile.ts). Any exception bails.
 */
function call0(implementation: Implementation): unknown {
  try {
    return implementation();
  } catch {
    return bail();
  }
}

function call1(implementation: Implementation, a0: unknown): unknown {
  try {
    return implementation(a0);
  } catch {
    return bail();
  }
}

function call2(implementation: Implementation, a0: unknown, a1: unknown): unknown {
  try {
    return implementation(a0, a1);
  } catch {
    return bail();
  }
}

function call3(implementation: Implementation, a0: unknown, a1: unknown, a2: unknown): unknown {
  try {
    return implementation(a0, a1, a2);
  } catch {
    return bail();
  }
}

function apply(implementation: Implementation, args: unknown[]): unknown {
  try {
    return implementation.apply(undefined, args);
  } catch {
    return bail();
  }
}

/** A result the fast path can hand back as is: not a function, array, promise or generator. */
function checkResult(result: unknown): unknown {
  if (typeof result === 'object') {
    if (result !== null && (Array.isArray(result) || isJsonataFunction(result) || 'then' in result || 'next' in result)) bail();
  } else if (typeof result === 'function') {
    bail();
  }
  return result;
}

/** After passing a shared constant: only primitives, which cannot contain it. */
function checkPrimitiveResult(result: unknown): unknown {
  if ((typeof result === 'object' && result !== null) || typeof result === 'function') bail();
  return result;
}
