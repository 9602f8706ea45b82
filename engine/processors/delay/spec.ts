import { z } from 'zod';
import { defineProcessor } from '../../sdk';

export const delaySpec = defineProcessor({
  type: 'Delay',
  version: 1,
  category: 'Utility',
  summary: 'Passes records on slowly: waits a fixed time per batch (to see back pressure at work).',
  input: 'required',
  pure: true,
  properties: z.object({
    delayMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(100)
      .meta({ label: 'Delay (ms)', description: 'Wait this long before passing each batch on.', order: 1 }),
  }),
  relationships: [{ name: 'success', description: 'Every record, after the delay.' }],
});
