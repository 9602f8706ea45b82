import { z } from 'zod';
import { SERVICE_KINDS, type ServiceKind, type ValidationIssue } from '@/engine/sdk';

/**
 * The property form's model, derived from the spec's zod schema through JSON Schema: zod copies the
 * `.meta()` of each property (label, description, expression, multiline, placeholder, order,
 * sensitive, service) into it, next to type, enum, bounds and default. Nothing about a processor's
 * or a controller service's form is written by hand.
 */

/** What a form is generated from: a processor spec or a controller service spec. */
export type PropertiesSpec = { readonly properties: z.ZodObject };

type JSONSchema = z.core.JSONSchema.JSONSchema;

export type FieldKind = 'string' | 'text' | 'number' | 'integer' | 'boolean' | 'enum' | 'record' | 'json' | 'service';

export interface FieldModel {
  readonly key: string;
  readonly kind: FieldKind;
  readonly label: string;
  readonly description?: string;
  readonly placeholder?: string;
  readonly expression?: 'jsonata';
  /** A secret: shown masked, typed in a password input. */
  readonly sensitive: boolean;
  /** For kind 'service': the kind of controller service the property names. */
  readonly service?: ServiceKind;
  readonly required: boolean;
  readonly options: readonly string[];
  readonly defaultValue?: unknown;
  readonly min?: number;
  readonly max?: number;
  readonly order: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

const serviceKindOf = (schema: JSONSchema): ServiceKind | undefined =>
  typeof schema.service === 'string' && schema.service in SERVICE_KINDS ? (schema.service as ServiceKind) : undefined;

function kindOf(schema: JSONSchema): FieldKind {
  const type = Array.isArray(schema.type) ? undefined : schema.type;
  if (serviceKindOf(schema)) return 'service';
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

function buildFields(spec: PropertiesSpec): FieldModel[] {
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
        service: serviceKindOf(raw),
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

const cache = new WeakMap<PropertiesSpec, readonly FieldModel[]>();

/** The form fields of a processor or service type, in display order (computed once per spec). */
export function fieldsOf(spec: PropertiesSpec): readonly FieldModel[] {
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
