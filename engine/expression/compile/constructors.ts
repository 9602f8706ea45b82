/**
 * Array and object constructors, and constructors of literals as shared constants where their value
 * is only read (compileRead).
 */
import { asNode, expectShape, hasShape, isLiteral, notInSubset, type AstNode, type CompileContext, type Evaluator } from './ast';

/**
 * Array constructor (evaluateUnary '['): undefined items are dropped; an item that is itself an
 * array constructor is pushed as one element; any other item goes through fn.append, which splices
 * an array value in (flattening one level; concat onto the plain array being built, so a sequence
 * spliced in leaves no flag) and pushes anything else.
 */
export function compileArray(node: AstNode, context: CompileContext): Evaluator {
  const expressions = node.expressions ?? notInSubset();
  if (expressions.every(isLiteral)) {
    // Only literals (never undefined, never arrays): the same elements every time, in a new array
    // (it can end up in the result, which the caller owns).
    const constant = expressions.map((item) => expectShape(item, 'literal').value);
    return () => constant.slice();
  }
  const items = expressions.map((item) => ({
    evaluate: context.compile(item),
    nested: item.type === 'unary' && item.value === '[',
  }));
  return (input, bindings) => {
    const result: unknown[] = [];
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      const value = item.evaluate(input, bindings);
      if (value === undefined) continue;
      if (!item.nested && Array.isArray(value)) result.push(...value);
      else result.push(value);
    }
    return result;
  };
}

const RESERVED_KEYS: ReadonlySet<string> = new Set(['_jsonata_lambda', '_jsonata_function', '__proto__']);

/**
 * Object constructor (evaluateGroupExpression over a non-array context): keys must be string
 * literals here. Duplicate keys throw D1009 and the keys _jsonata_lambda/_jsonata_function D1013,
 * so both stay outside the subset. Values that are undefined are omitted. Keys are assigned in
 * order, which gives jsonata's property order (integer-like keys first, as JavaScript orders them).
 *
 * One deliberate difference: jsonata builds the result with Object.create(null); here it is a plain
 * object. Null-prototype objects live in V8's dictionary mode, and every later step of a record
 * (merging, reading fields, sizing) ran about 12 times slower on them; as JSON the two are the same.
 * A `__proto__` key (which a plain object would take as its prototype) leaves the subset.
 *
 * Up to four keys, the values are held in locals (no per-entry loop, one store site per position);
 * values are evaluated first, in order, then stored, which nothing can observe.
 */
export function compileObject(node: AstNode, context: CompileContext): Evaluator {
  const pairs = node.lhs;
  if (!Array.isArray(pairs)) return notInSubset();
  const seen = new Set<string>();
  const entries = (pairs as readonly (readonly [AstNode, AstNode])[]).map(([keyNode, valueNode]) => {
    const key = asNode(keyNode);
    expectShape(key, 'literal');
    if (key.type !== 'string' || typeof key.value !== 'string') return notInSubset();
    if (seen.has(key.value) || RESERVED_KEYS.has(key.value)) return notInSubset();
    seen.add(key.value);
    return { key: key.value, evaluate: context.compile(valueNode) };
  });
  const keys = entries.map((entry) => entry.key);
  const values = entries.map((entry) => entry.evaluate);
  switch (entries.length) {
    case 1: return object1(keys, values);
    case 2: return object2(keys, values);
    case 3: return object3(keys, values);
    case 4: return object4(keys, values);
    default: return objectN(keys, values);
  }
}

type ObjectMaker = (keys: readonly string[], values: readonly Evaluator[]) => Evaluator;

const object1: ObjectMaker = ([k0], [e0]) => (input, bindings) => {
  const v0 = e0(input, bindings);
  const result: Record<string, unknown> = {};
  if (v0 !== undefined) result[k0] = v0;
  return result;
};

const object2: ObjectMaker = ([k0, k1], [e0, e1]) => (input, bindings) => {
  const v0 = e0(input, bindings);
  const v1 = e1(input, bindings);
  const result: Record<string, unknown> = {};
  if (v0 !== undefined) result[k0] = v0;
  if (v1 !== undefined) result[k1] = v1;
  return result;
};

const object3: ObjectMaker = ([k0, k1, k2], [e0, e1, e2]) => (input, bindings) => {
  const v0 = e0(input, bindings);
  const v1 = e1(input, bindings);
  const v2 = e2(input, bindings);
  const result: Record<string, unknown> = {};
  if (v0 !== undefined) result[k0] = v0;
  if (v1 !== undefined) result[k1] = v1;
  if (v2 !== undefined) result[k2] = v2;
  return result;
};

const object4: ObjectMaker = ([k0, k1, k2, k3], [e0, e1, e2, e3]) => (input, bindings) => {
  const v0 = e0(input, bindings);
  const v1 = e1(input, bindings);
  const v2 = e2(input, bindings);
  const v3 = e3(input, bindings);
  const result: Record<string, unknown> = {};
  if (v0 !== undefined) result[k0] = v0;
  if (v1 !== undefined) result[k1] = v1;
  if (v2 !== undefined) result[k2] = v2;
  if (v3 !== undefined) result[k3] = v3;
  return result;
};

const objectN: ObjectMaker = (keys, values) => (input, bindings) => {
  const result: Record<string, unknown> = {};
  for (let index = 0; index < keys.length; index++) {
    const value = values[index](input, bindings);
    if (value !== undefined) result[keys[index]] = value;
  }
  return result;
};

/** What constantValue gives for anything but a literal or a constructor of literals. */
export const NOT_CONSTANT: unique symbol = Symbol('not constant');

/**
 * The value of a literal, or of an array or object constructor made only of literals at any depth
 * (`{"EUR": 1.08, "tiers": [1, [2, 3]]}`), as compileArray and compileObject would build it: plain
 * arrays and objects, items and keys in order (an array constructor inside an array is one item;
 * literals are never undefined, never arrays). NOT_CONSTANT for anything else, constructors outside
 * the subset included (compiling them decides).
 */
export function constantValue(node: AstNode): unknown {
  if (isLiteral(node)) return hasShape(node, 'literal') ? node.value : NOT_CONSTANT;
  if (node.type !== 'unary') return NOT_CONSTANT;
  if (node.value === '[' && hasShape(node, 'array') && Array.isArray(node.expressions)) {
    const items: unknown[] = [];
    for (const item of node.expressions) {
      const value = constantValue(asNode(item));
      if (value === NOT_CONSTANT) return NOT_CONSTANT;
      items.push(value);
    }
    return items;
  }
  if (node.value === '{' && hasShape(node, 'object') && Array.isArray(node.lhs)) {
    const result: Record<string, unknown> = {};
    for (const [keyNode, valueNode] of node.lhs as readonly (readonly [AstNode, AstNode])[]) {
      const key = asNode(keyNode);
      if (!hasShape(key, 'literal') || key.type !== 'string' || typeof key.value !== 'string') return NOT_CONSTANT;
      if (RESERVED_KEYS.has(key.value) || Object.hasOwn(result, key.value)) return NOT_CONSTANT;
      const value = constantValue(asNode(valueNode));
      if (value === NOT_CONSTANT) return NOT_CONSTANT;
      result[key.value] = value;
    }
    return result;
  }
  return NOT_CONSTANT;
}

/** Frozen at every depth: shared constants must not change (strict-mode writes throw, and bail). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/**
 * A constructor of literals (see constantValue) as one deep-frozen value shared by every evaluation,
 * or undefined for any other node. Only for places where the value is read and nothing made from it
 * can hold it or any part of it (compileRead): results are the caller's to change, and never share
 * an object with another result.
 */
export function sharedConstant(node: AstNode): { readonly value: unknown } | undefined {
  if (node.type !== 'unary') return undefined;
  const value = constantValue(node);
  return value === NOT_CONSTANT ? undefined : { value: deepFreeze(value) };
}

/**
 * A node whose value is only read where it is used — compared, tested, counted, listed, looked up
 * in — and never returned, stored in a result or handed to code that could keep it: a constructor of
 * literals there is built once and shared (`$count(["a", "b"])`, `x = {"a": 1}`, `$keys({…})`),
 * instead of a new array or object per evaluation. Anything else compiles as usual.
 */
export function compileRead(node: AstNode, context: CompileContext): Evaluator {
  const constant = sharedConstant(node);
  if (constant === undefined) return context.compile(node);
  const value = constant.value;
  return () => value;
}
