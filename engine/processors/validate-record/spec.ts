import { z } from 'zod';
import { defineProcessor } from '../../sdk';
import { schemaProblem } from './json-schema';

/** The attribute an invalid record carries its problems in. */
export const VALIDATION_ERRORS_ATTRIBUTE = 'validation.errors';

const EXAMPLE_SCHEMA = JSON.stringify(
  {
    type: 'object',
    required: ['orderId', 'sku', 'qty'],
    properties: {
      orderId: { type: 'integer' },
      sku: { type: 'string', pattern: '^PF-\\d+$' },
      qty: { type: 'integer', minimum: 1 },
    },
  },
  null,
  2,
);

export const validateRecordSpec = defineProcessor({
  type: 'ValidateRecord',
  version: 1,
  category: 'Routing',
  summary: 'Checks each record against a JSON Schema: valid records one way, invalid ones (with the reasons) the other.',
  input: 'required',
  pure: true,
  properties: z.object({
    // spec files import only zod and the sdk, so the browser can load them; json-schema.ts (ajv) is browser-safe too
    schema: z
      .string()
      .min(1, 'a JSON Schema is required')
      .default(EXAMPLE_SCHEMA)
      .superRefine((text, ctx) => {
        const problem = schemaProblem(text);
        if (problem) ctx.addIssue({ code: 'custom', message: `JSON Schema: ${problem}` });
      })
      .meta({
        label: 'Schema',
        description:
          'A JSON Schema the record content must match: draft 2020-12, or draft-07 when its $schema says so. ' +
          'Formats checked: date, time, date-time, email, uri, uuid, ipv4, hostname.',
        multiline: true,
        order: 1,
      }),
    allErrors: z
      .boolean()
      .default(false)
      .meta({ label: 'Report all errors', description: 'List every problem of an invalid record, not only the first (slower).', order: 2 }),
    coerceTypes: z
      .boolean()
      .default(false)
      .meta({
        label: 'Coerce types',
        description: 'Accept "3" where the schema says integer (and the like), and pass valid records on with the converted values.',
        order: 3,
      }),
  }),
  relationships: [
    { name: 'valid', description: 'Records that match the schema.' },
    { name: 'invalid', description: 'Records that do not, with the problems in attribute validation.errors (e.g. "/qty must be >= 1").' },
  ],
});
