/**
 * jsonata's AST as the fast path sees it: the node shapes it understands, the compile context, and
 * the "not in the subset" signal that makes compileFast return undefined.
 */
import type { FunctionSpec, NativeFunction } from '../compile';
import type { Clock } from './builtins';
import type { Evaluation } from './repeated';

export type Bindings = Readonly<Record<string, unknown>>;
/**
 * A compiled node. `input` is always the expression's input, at any depth (every construct of the
 * subset evaluates its parts against the same context: paths are name steps, function literals'
 * bodies see the context they were written in); compileFast has checked it (see lookupInputField).
 */
export type Evaluator = (input: unknown, bindings: Bindings) => unknown;

/** jsonata's AST, loosely typed: only the fields the subset reads. */
export interface AstNode {
  readonly type: string;
  readonly value?: unknown;
  readonly position?: number;
  readonly steps?: readonly AstNode[];
  readonly lhs?: AstNode | readonly (readonly [AstNode, AstNode])[];
  readonly rhs?: AstNode;
  readonly expression?: AstNode;
  readonly expressions?: readonly AstNode[];
  readonly condition?: AstNode;
  readonly then?: AstNode;
  readonly else?: AstNode;
  readonly procedure?: AstNode;
  readonly arguments?: readonly AstNode[];
  readonly name?: unknown;
  /** Lambdas: the body, a `<…>` signature (outside the subset), and `thunk` on tail calls (see compileNode). */
  readonly body?: AstNode;
  readonly signature?: unknown;
  readonly thunk?: unknown;
}

export interface CompileContext {
  readonly functions: Readonly<Record<string, NativeFunction | FunctionSpec>>;
  /** One timestamp per evaluation for $now()/$millis(); `used` tells the wrapper to reset it. */
  readonly clock: Clock;
  /** Nodes that occur more than once (repeated.ts): node -> the key equal nodes share. */
  readonly repeated: ReadonlyMap<AstNode, string>;
  /** The running evaluation, for repeated nodes' reuse; `used` tells the wrapper to track it. */
  readonly evaluation: Evaluation;
  /** The parameters of the function literals around the node being compiled: name -> reader (lambda.ts). */
  readonly scope: ReadonlyMap<string, Evaluator>;
  /** Compile a child node (the dispatcher, handed down so the modules do not import each other in a cycle). */
  readonly compile: (node: AstNode | undefined) => Evaluator;
  /** This context with more parameters in scope (a function literal's body), shadowing outer names. */
  readonly within: (parameters: ReadonlyMap<string, Evaluator>) => CompileContext;
}

const NOT_IN_SUBSET = Symbol('not in subset');

/** Abandon compilation: the expression is outside the subset. */
export function notInSubset(): never {
  throw NOT_IN_SUBSET;
}

export const isNotInSubset = (error: unknown): boolean => error === NOT_IN_SUBSET;

/**
 * Every node property the subset understands, per node kind. Any other property (predicate, stages,
 * group, keepArray, focus, tuple, consarray, seekingParent, ...) switches on jsonata behaviour we do
 * not mirror, so its presence puts the expression outside the subset.
 */
const ALLOWED_KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  literal: new Set(['type', 'value', 'position']),
  variable: new Set(['type', 'value', 'position']),
  name: new Set(['type', 'value', 'position']),
  path: new Set(['type', 'steps', 'position']),
  binary: new Set(['type', 'value', 'position', 'lhs', 'rhs']),
  negate: new Set(['type', 'value', 'position', 'expression']),
  array: new Set(['type', 'value', 'position', 'expressions']),
  object: new Set(['type', 'value', 'position', 'lhs']),
  condition: new Set(['type', 'position', 'condition', 'then', 'else']),
  block: new Set(['type', 'position', 'expressions']),
  // processAST copies the parser's `name` onto function nodes; it is undefined for `$f(...)` calls.
  function: new Set(['type', 'name', 'value', 'position', 'arguments', 'procedure']),
  // `function($v) { … }`; the parser always sets `signature`, undefined unless one is written.
  lambda: new Set(['type', 'arguments', 'signature', 'position', 'body']),
  // the parser wraps a call in tail position of a function literal's body in one of these
  thunk: new Set(['type', 'thunk', 'arguments', 'position', 'body']),
};

export function asNode(value: unknown): AstNode {
  if (value === null || typeof value !== 'object' || typeof (value as { type?: unknown }).type !== 'string') notInSubset();
  return value as AstNode;
}

/** The node, if it has no properties beyond those the subset understands for `kind`. */
export function expectShape(node: AstNode, kind: string): AstNode {
  if (!hasShape(node, kind)) notInSubset();
  return node;
}

/** Whether the node has no properties beyond those the subset understands for `kind` (see expectShape). */
export function hasShape(node: AstNode, kind: string): boolean {
  const allowed = ALLOWED_KEYS[kind];
  for (const key of Object.keys(node)) if (!allowed.has(key)) return false;
  return true;
}

/** `number`, `string` and `value` (true/false/null) nodes: never undefined, never an array. */
export const isLiteral = (node: AstNode): boolean => node.type === 'number' || node.type === 'string' || node.type === 'value';
