/**
 * Array and object constructors.
 */
import { asNode, expectShape, isLiteral, notInSubset, type AstNode, type CompileContext, type Evaluator } from './ast';

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
