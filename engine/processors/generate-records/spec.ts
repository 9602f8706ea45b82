import { z } from 'zod';
import { defineProcessor, jsonataString } from '../../sdk';

export const generateRecordsSpec = defineProcessor({
  type: 'GenerateRecords',
  version: 1,
  category: 'Sources',
  summary: 'Creates synthetic records from a JSONata template, at a set rate or as fast as possible.',
  input: 'forbidden',
  // the record number is its state, committed with the records: two overlapping triggers would
  // commit numbers out of order
  triggerSerially: true,
  properties: z.object({
    template: jsonataString('a template is required')
      .default('{"orderId": $i, "sku": $pick(["PF-110", "PF-490", "PF-150"]), "qty": $randomInt(1, 5), "price": 39}')
      .meta({
        label: 'Template',
        description:
          'JSONata expression evaluated for each record. $i is the record number (from 0, kept across restarts; clear the state to start again); ' +
          '$randomInt(min, max), $pick(array) and $uuid() are available.',
        expression: 'jsonata',
        multiline: true,
        order: 1,
      }),
    rate: z
      .number()
      .min(0)
      .max(10_000_000)
      .default(100)
      .meta({ label: 'Rate (records/s)', description: '0 generates as fast as downstream accepts.', order: 2 }),
    limit: z
      .number()
      .int()
      .min(0)
      .default(0)
      .meta({ label: 'Limit', description: 'Stop generating after this many records in all (across restarts); 0 for no limit.', order: 3 }),
  }),
  relationships: [{ name: 'success', description: 'Every generated record.' }],
});
