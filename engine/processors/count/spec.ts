import { z } from 'zod';
import { defineProcessor } from '../../sdk';

export const countSpec = defineProcessor({
  type: 'Count',
  version: 1,
  category: 'Sinks',
  summary: 'Counts the records that reach it, then discards them.',
  input: 'required',
  properties: z.object({}),
  relationships: [],
});
