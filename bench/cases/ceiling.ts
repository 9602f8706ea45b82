/**
 * The ceiling: the same generation template and transform, evaluated by the same expression code
 * the engine uses, in a plain loop with no engine. Usage: ceiling.ts <N>
 */
import { compileExpression } from '../../engine/expression/jsonata';
import { TEMPLATE, TRANSFORM, peakRssMB, report } from './shared';

const records = Number(process.argv[2] ?? 1_000_000);
const template = compileExpression(TEMPLATE);
const transform = compileExpression(TRANSFORM);
let count = 0;
const started = performance.now();
// awaited only when the interpreter answers, as the engine's processors do (evaluateEach)
const settle = <T>(value: unknown): T | Promise<T> => value as T | Promise<T>;
for (let i = 0; i < records; i++) {
  let content = settle<Record<string, unknown>>(template.evaluate({}, { i }));
  if (content instanceof Promise) content = await content;
  let result = settle<Record<string, unknown>>(transform.evaluate(content));
  if (result instanceof Promise) result = await result;
  const merged = Object.assign({}, content, result); // the Transform processor's merge
  if (merged.total !== undefined) count++;
}
const seconds = (performance.now() - started) / 1000;
if (count !== records) throw new Error(`counted ${count} of ${records}`);
report({ engine: 'ceiling-loop', records, seconds: Math.round(seconds * 100) / 100, recordsPerSec: Math.round(records / seconds), peakRssMB: peakRssMB() });
