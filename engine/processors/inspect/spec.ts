import { z } from 'zod';
import { defineProcessor } from '../../sdk';

export const inspectSpec = defineProcessor({
  type: 'Inspect',
  version: 1,
  category: 'Sinks',
  summary: 'Keeps the last records that reach it, to look at in the editor, and drops them.',
  input: 'required',
  properties: z.object({
    keep: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .meta({ label: 'Records kept', description: 'How many of the latest records to show.', order: 1 }),
  }),
  relationships: [],
});
