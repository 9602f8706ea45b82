import { z } from 'zod';
import type { AnySpec, ValidationIssue } from '@/engine/sdk';

/**
 * The property form's model, derived from the spec's zod schema through JSON Schema: zod copies the
 * `.meta()` of each property (label, description, expression, multiline, placeholder, order) into
 * it, next to type, enum, bounds and default. Nothing about a processor's form is written by hand.
 */

type JSONSchema = z.core.JSONSchema.JSONSchema;

export type FieldKind = 'string' | 'text' | 'number' | 'integer' | 'boolean' | 'enum' | 'record' | 'json';

export interface FieldModel {
  readonly key: string;
  readonly kind: FieldKind;
  readonly label: string;
  readonly description?: string;
  readonly placeholder?: string;
  readonly expression?: 'jsonata';
  readonly sensitive: boolean;
  readonly required: boolean;
  readonly options: readonly string[];
  readonly defaultValue?: unknown;
  readonly min?: number;
  readonly max?: number;
  readonly order: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function kindOf(schema: JSONSchema): FieldKind {
  const type = Array.isArray(schema.type) ? undefined : schema.type;
  if (schema.enum && schema.enum.every((v) => typeof v === 'string')) return 'enum';
  switch (type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'string':
      return schema.multiline === true || schema.expression !== undefined ? 'text' : 'string';
    case 'object': {
      const values = schema.additionalProperties;
      const stringValues = typeof values === 'object' && values.type === 'string';
      return stringValues && !schema.properties ? 'record' : 'json';
    }
    default:
      // Unions, arrays, nested objects: still editable, as JSON text the schema then checks.
      return 'json';
  }
}

function buildFields(spec: AnySpec): FieldModel[] {
  // io 'input': a property with a default is optional in what the user may send.
  const root = z.toJSONSchema(spec.properties, { io: 'input', unrepresentable: 'any' });
  const required = new Set(root.required ?? []);
  const fields = Object.entries(root.properties ?? {}).flatMap(([key, raw], index): FieldModel[] => {
    if (typeof raw !== 'object') return [];
    const exclusiveMin = num(raw.exclusiveMinimum);
    const exclusiveMax = num(raw.exclusiveMaximum);
    return [
      {
        key,
        kind: kindOf(raw),
        label: str(raw.label) ?? str(raw.title) ?? key,
        description: str(raw.description),
        placeholder: str(raw.placeholder),
        expression: raw.expression === 'jsonata' ? 'jsonata' : undefined,
        sensitive: raw.sensitive === true,
        required: required.has(key),
        options: (raw.enum ?? []).filter((v): v is string => typeof v === 'string'),
        defaultValue: raw.default,
        min: num(raw.minimum) ?? exclusiveMin,
        max: num(raw.maximum) ?? exclusiveMax,
        // Properties without an order keep their declaration order, after the ordered ones.
        order: num(raw.order) ?? 1_000 + index,
      },
    ];
  });
  return fields.sort((a, b) => a.order - b.order);
}

const cache = new WeakMap<AnySpec, readonly FieldModel[]>();

/** The form fields of a processor type, in display order (computed once per spec). */
export function fieldsOf(spec: AnySpec): readonly FieldModel[] {
  let fields = cache.get(spec);
  if (!fields) {
    fields = buildFields(spec);
    cache.set(spec, fields);
  }
  return fields;
}

/** Issues split into per-property messages and processor-wide ones. */
export function splitIssues(issues: readonly ValidationIssue[]): {
  byProperty: Record<string, string[]>;
  general: string[];
} {
  const byProperty: Record<string, string[]> = {};
  const general: string[] = [];
  for (const issue of issues) {
    if (issue.property) {
      const list = (byProperty[issue.property] ??= []);
      if (!list.includes(issue.message)) list.push(issue.message);
    } else if (!general.includes(issue.message)) {
      general.push(issue.message);
    }
  }
  return { byProperty, general };
}
