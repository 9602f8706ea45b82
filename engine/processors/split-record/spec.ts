import { z } from 'zod';
import { defineProcessor, jsonataString } from '../../sdk';

/** Attributes a split record carries, so a later step can tell the pieces of one record apart (and count them). */
export const FRAGMENT_ATTRIBUTES = {
  /** Shared by the pieces of one record and the original (a UUID: record ids restart with the engine). */
  identifier: 'fragment.identifier',
  /** The piece's position, from 0. */
  index: 'fragment.index',
  /** How many pieces the record was split into. */
  count: 'fragment.count',
} as const;

export const splitRecordSpec = defineProcessor({
  type: 'SplitRecord',
  version: 1,
  category: 'Transform',
  summary: 'Splits a record whose content (or a field of it) is an array into one record per element, or per chunk of elements.',
  input: 'required',
  pure: true,
  properties: z.object({
    array: jsonataString('say which array to split; $ is the record content itself')
      .default('$')
      .meta({
        label: 'Array',
        description:
          'JSONata giving the array to split: $ for the content itself, a field such as items, or an expression such as ' +
          'items[qty > 0]. A path through arrays (items.sku) gives a single value when there is one element: end it with [] ' +
          '(items.sku[]) to always get an array.',
        expression: 'jsonata',
        order: 1,
      }),
    chunkSize: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(1)
      .meta({
        label: 'Elements per record',
        description: '1: each element becomes a record. N: each record holds an array of up to N elements (the last may hold fewer).',
        order: 2,
      }),
  }),
  relationships: [
    { name: 'split', description: 'One record per element (or chunk), with fragment.identifier, fragment.index and fragment.count.' },
    { name: 'original', description: 'The record that was split, with fragment.identifier and fragment.count (0 for an empty array).' },
    { name: 'failure', description: 'Records whose array is missing or not an array (reason in attribute error.message).' },
  ],
});
