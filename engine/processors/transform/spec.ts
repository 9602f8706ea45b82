import { z } from 'zod';
import { defineProcessor, jsonataString } from '../../sdk';

export const transformSpec = defineProcessor({
  type: 'Transform',
  version: 1,
  category: 'Transform',
  summary: 'Reshapes each record with a JSONata expression.',
  input: 'required',
  pure: true,
  properties: z.object({
    expression: jsonataString()
      .default('{"total": qty * price}')
      .meta({
        label: 'Expression',
        description: 'JSONata evaluated against the record content.',
        expression: 'jsonata',
        multiline: true,
        order: 1,
      }),
    mode: z
      .enum(['merge', 'replace'])
      .default('merge')
      .meta({
        label: 'Mode',
        description: 'merge: the result (an object) is merged into the record; replace: the result becomes the record.',
        order: 2,
      }),
  }),
  relationships: [
    { name: 'success', description: 'Records transformed.' },
    { name: 'failure', description: 'Records the expression failed on (reason in attribute error.message).' },
  ],
});
