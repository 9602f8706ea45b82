import { z } from 'zod';
import { defineProcessor, jsonataString, type ValidationIssue } from '../../sdk';

/** Attribute names: no spaces or commas (the delete list is comma-separated). */
const attributeName = /^[^\s,]{1,100}$/;

/** The names in the delete list, trimmed, empty entries skipped. */
export function namesToDelete(list: string): string[] {
  return list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

export const updateAttributeSpec = defineProcessor({
  type: 'UpdateAttribute',
  version: 1,
  category: 'Transform',
  summary: 'Sets attributes of each record from JSONata expressions over its content and attributes, and deletes attributes.',
  input: 'required',
  pure: true,
  properties: z.object({
    set: z
      .record(z.string(), jsonataString('an expression is required'))
      .default({})
      .meta({
        label: 'Set attributes',
        description:
          'Attribute name → JSONata over the record content; $attributes holds the record’s attributes. ' +
          "E.g. region → region, kind → 'order', key → $attributes.table & ':' & orderId. Strings are kept as they are, " +
          'other values written as JSON (42, true, {"a":1}); an expression that gives nothing leaves the attribute as it was.',
        expression: 'jsonata',
        order: 1,
      }),
    delete: z
      .string()
      .max(2_000)
      .default('')
      .meta({
        label: 'Delete attributes',
        description: 'Attribute names to remove, separated by commas (e.g. http.headers, retry.note).',
        placeholder: 'name, other.name',
        order: 2,
      }),
  }),
  relationships: [
    { name: 'success', description: 'Records with their attributes updated.' },
    { name: 'failure', description: 'Records an expression failed on (reason in attribute error.message).' },
  ],
  validate: (props) => {
    const issues: ValidationIssue[] = [];
    const deleted = namesToDelete(props.delete);
    if (Object.keys(props.set).length === 0 && deleted.length === 0) {
      issues.push({ property: 'set', message: 'set or delete at least one attribute' });
    }
    for (const name of Object.keys(props.set)) {
      if (!attributeName.test(name)) issues.push({ property: 'set', message: `attribute name "${name}" must be 1 to 100 characters without spaces or commas` });
      if (deleted.includes(name)) issues.push({ property: 'delete', message: `"${name}" is both set and deleted` });
    }
    for (const name of deleted) {
      if (!attributeName.test(name)) issues.push({ property: 'delete', message: `attribute name "${name}" must be 1 to 100 characters without spaces` });
    }
    return issues;
  },
});
