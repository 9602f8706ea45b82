import { z } from 'zod';
import { defineProcessor, jsonataString, type ValidationIssue } from '../../sdk';

const fieldPath = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/** The field paths of the key, trimmed, empty entries skipped. */
export function keyFields(list: string): string[] {
  return list
    .split(',')
    .map((field) => field.trim())
    .filter((field) => field !== '');
}

export const deduplicateRecordSpec = defineProcessor({
  type: 'DeduplicateRecord',
  version: 1,
  category: 'Routing',
  summary: 'Passes the first record with each key as unique and later ones with the same key as duplicates, within a window.',
  input: 'required',
  triggerSerially: true,
  properties: z.object({
    keyFrom: z
      .enum(['fields', 'expression'])
      .default('fields')
      .meta({ label: 'Key from', description: 'fields: the values of the listed fields; expression: a JSONata expression.', order: 1 }),
    fields: z
      .string()
      .max(1_000)
      .default('orderId')
      .meta({
        label: 'Key fields',
        description: 'Fields whose values together make the key, separated by commas (dotted paths for nested fields), e.g. region, orderId.',
        order: 2,
      }),
    expression: jsonataString()
      .default("region & ':' & $string(orderId)")
      .meta({
        label: 'Key expression',
        description: 'JSONata over the record content giving the key (used when Key from is expression); $attributes holds the attributes.',
        expression: 'jsonata',
        order: 3,
      }),
    maxEntries: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .default(100_000)
      .meta({
        label: 'Keys remembered',
        description: 'At most this many keys are kept; beyond it the least recently seen key is forgotten (its next record passes as unique).',
        order: 4,
      }),
    windowSeconds: z
      .number()
      .min(0)
      .default(0)
      .meta({
        label: 'Window (s)',
        description: 'A key is forgotten this long after its first record; 0 keeps keys until they are pushed out by newer ones.',
        order: 5,
      }),
    persist: z
      .boolean()
      .default(true)
      .meta({
        label: 'Remember across restarts',
        description:
          'Save the keys with the processor state (at most once a second), so a restart does not let duplicates through; ' +
          'keys seen in the last second before a stop may be forgotten.',
        order: 6,
      }),
  }),
  relationships: [
    { name: 'unique', description: 'The first record with each key (in the window).' },
    { name: 'duplicate', description: 'Records whose key was already seen (in the window).' },
    { name: 'failure', description: 'Records without a key: a key field is missing, or the expression failed (reason in error.message).' },
  ],
  validate: (props) => {
    const issues: ValidationIssue[] = [];
    if (props.keyFrom === 'fields') {
      const fields = keyFields(props.fields);
      if (fields.length === 0) issues.push({ property: 'fields', message: 'name at least one field' });
      for (const field of fields) {
        if (!fieldPath.test(field)) issues.push({ property: 'fields', message: `"${field}" is not a field name or dotted path` });
      }
    }
    return issues;
  },
});
