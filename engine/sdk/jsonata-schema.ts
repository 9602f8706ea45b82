import jsonata from 'jsonata';
import { z } from 'zod';

/**
 * A string property holding a JSONata expression. Parsing it here means a syntax error shows as an
 * inline form error, a 400 from the API and an invalid processor: one check, three places.
 */
export function jsonataString(requiredMessage = 'an expression is required') {
  return z
    .string()
    .min(1, requiredMessage)
    .superRefine((source, ctx) => {
      try {
        jsonata(source);
      } catch (error) {
        const { message, position } = error as { message?: string; position?: number };
        ctx.addIssue({
          code: 'custom',
          message: `JSONata: ${message ?? String(error)}${position === undefined ? '' : ` (at character ${position})`}`,
        });
      }
    });
}
