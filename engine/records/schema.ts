/**
 * The shape of a stream of records, inferred from their content: what file writers, the warehouse
 * and QueryRecord need to create typed columns. One definition, shared by every format and sink.
 */
export type FieldType = 'boolean' | 'integer' | 'double' | 'string' | 'timestamp' | 'json';

export interface Field {
  readonly name: string;
  readonly type: FieldType;
  /** Seen missing or null in at least one record. */
  readonly nullable: boolean;
}

export interface RecordSchema {
  readonly fields: readonly Field[];
}

/**
 * ISO 8601 date-times (with a time part), as databases and APIs write them: groups date, hh:mm,
 * seconds, fraction (up to 9 digits), zone (Z, +hh, +hhmm, +hh:mm; PostgreSQL writes +00).
 */
export const ISO_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** The type of one value; null for null/undefined (they only make a field nullable). */
export function typeOfValue(value: unknown): FieldType | null {
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'double';
    case 'bigint':
      return 'integer';
    case 'string':
      return ISO_TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value)) ? 'timestamp' : 'string';
    case 'object':
      if (value === null) return null;
      return value instanceof Date ? 'timestamp' : 'json';
    default:
      return null;
  }
}

/** The narrowest type that holds values of both: integer+double → double, else string or json. */
export function widen(a: FieldType, b: FieldType): FieldType {
  if (a === b) return a;
  if ((a === 'integer' && b === 'double') || (a === 'double' && b === 'integer')) return 'double';
  if (a === 'json' || b === 'json') return 'json';
  return 'string';
}

/**
 * Infer a schema from record contents (objects; other values are ignored). Fields keep the order in
 * which they were first seen; a field missing from some records is nullable; a field only ever null
 * is a nullable string.
 */
export function inferSchema(contents: Iterable<unknown>): RecordSchema {
  const types = new Map<string, FieldType | null>();
  const nullable = new Set<string>();
  let objects = 0;
  for (const content of contents) {
    if (typeof content !== 'object' || content === null || Array.isArray(content)) continue;
    const row = content as Record<string, unknown>;
    for (const name of types.keys()) if (!(name in row)) nullable.add(name);
    for (const name in row) {
      const type = typeOfValue(row[name]);
      if (!types.has(name) && objects > 0) nullable.add(name);
      if (type === null) nullable.add(name);
      const known = types.get(name) ?? null;
      types.set(name, known === null ? type : type === null ? known : widen(known, type));
    }
    objects++;
  }
  return { fields: [...types].map(([name, type]) => ({ name, type: type ?? 'string', nullable: nullable.has(name) })) };
}

/**
 * A schema that holds both (a new batch against a table's columns): fields of either, widened where
 * both have them; fields present on one side only become nullable.
 */
export function mergeSchemas(a: RecordSchema, b: RecordSchema): RecordSchema {
  const byName = new Map(b.fields.map((f) => [f.name, f]));
  const fields: Field[] = a.fields.map((f) => {
    const other = byName.get(f.name);
    byName.delete(f.name);
    return other ? { name: f.name, type: widen(f.type, other.type), nullable: f.nullable || other.nullable } : { ...f, nullable: true };
  });
  for (const f of byName.values()) fields.push({ ...f, nullable: true });
  return { fields };
}
