/**
 * jsonata's functions over objects: $keys and $merge, mirrored from functions.js.
 */
import { bail, createSequence, isJsonataFunction } from './values';

/** An object as jsonata's signatures see one ('o'): not null, not an array, not a function record. */
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !isJsonataFunction(value);

/**
 * fn.keys `<x-:a<s>>`: an object's own enumerable keys (Object.keys); for an array, the keys of
 * every item (arrays in it included), each once, in the order a fresh object would list them
 * (integer-like keys first: jsonata collects them as properties of one); anything else has none,
 * function records included.
 * A sequence, unwrapped at the call.
 */
export function keys(value: unknown): unknown[] {
  const result = createSequence();
  if (Array.isArray(value)) {
    const seen: Record<string, true> = Object.create(null);
    collectKeys(value, seen);
    // jsonata lists the collected keys with fn.keys again, which takes an object with a key
    // _jsonata_function or _jsonata_lambda (now true) for a function record: no keys at all
    if (!isJsonataFunction(seen)) for (const key of Object.keys(seen)) result.push(key);
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) result.push(key);
  }
  return result;
}

function collectKeys(items: readonly unknown[], seen: Record<string, true>): void {
  for (const item of items) {
    if (Array.isArray(item)) collectKeys(item, seen);
    else if (isPlainObject(item)) for (const key of Object.keys(item)) seen[key] = true;
  }
}

/**
 * fn.merge `<a<o>:o>`: the own enumerable properties of each object in turn, later ones winning.
 * Undefined stays undefined; a lone object is an array of one; anything else (or an array holding
 * anything but objects) is T0410/T0412: bail.
 *
 * As for object constructors (compileObject), the result is a plain object where jsonata's has a
 * null prototype; a `__proto__` key, which a plain object would take as its prototype, bails.
 */
export function merge(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const objects = Array.isArray(value) ? value : [value];
  for (const item of objects) if (!isPlainObject(item)) bail();
  const result: Record<string, unknown> = {};
  for (const object of objects as Record<string, unknown>[]) {
    for (const key of Object.keys(object)) {
      if (key === '__proto__') bail();
      result[key] = object[key];
    }
  }
  return result;
}
