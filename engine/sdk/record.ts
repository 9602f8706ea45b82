/**
 * A record: the unit that flows between processors. Content is a JSON value; attributes are a string
 * map for routing and metadata. Records are immutable by contract: a processor that changes content
 * creates a new record (session.derive) instead of mutating its input.
 */
export interface FlowRecord {
  /**
   * Unique within this engine's lifetime. A number, not a string: ids are made for every record, and
   * formatting one cost ~7% of the engine's time (bench/).
   */
  readonly id: number;
  readonly attributes: Readonly<Record<string, string>>;
  readonly content: unknown;
  /** Ids of the records this one was derived from (lineage for provenance). */
  readonly parents: readonly number[];
  /** Epoch ms when the record entered the flow. */
  readonly entryTime: number;
}

let sequence = 0;

export function nextRecordId(): number {
  return ++sequence;
}

/** The highest record id given out so far in this process. */
export function lastRecordId(): number {
  return sequence;
}

/**
 * Give out ids above `floor` from now on: records read back from the repository keep their ids,
 * and new ones must not collide with them (or with ids their lineage names).
 */
export function reserveRecordIds(floor: number): void {
  if (floor > sequence) sequence = floor;
}

/**
 * Cheap size estimate of a JSON value (no serialisation): strings count their length, numbers and
 * booleans 8 bytes, containers the sum of their parts plus a little overhead, binary its length.
 * Good enough for byte thresholds, which are soft limits (connections size batches by sampling).
 */
export function estimateSize(value: unknown, depth = 0): number {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
    case 'boolean':
      return 8;
    case 'object': {
      if (value === null) return 4;
      if (depth > 8) return 64;
      let total = 2;
      if (Array.isArray(value)) {
        for (const item of value) total += estimateSize(item, depth + 1) + 1;
      } else if (value instanceof Uint8Array) {
        return value.byteLength;
      } else {
        for (const key in value as Record<string, unknown>) {
          total += key.length + 4 + estimateSize((value as Record<string, unknown>)[key], depth + 1);
        }
      }
      return total;
    }
    default:
      return 0;
  }
}

/**
 * The value at a path of field names (`customer.id` split on dots) in a record's content; undefined
 * as soon as a step is not an object. Arrays are objects here, so `items.0` reaches an element.
 */
export function valueAtPath(content: unknown, path: readonly string[]): unknown {
  let value = content;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Shared by the many records that have no attributes or no parents: one allocation fewer each. */
const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});
const NO_PARENTS: readonly number[] = Object.freeze([]) as readonly number[];

export function createRecord(
  content: unknown,
  attributes: Readonly<Record<string, string>> = NO_ATTRIBUTES,
  parents: readonly number[] = NO_PARENTS,
  entryTime = Date.now(),
): FlowRecord {
  return { id: nextRecordId(), attributes, content, parents, entryTime };
}
