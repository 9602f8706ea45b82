import { z } from 'zod';
import { defineProcessor, type ValidationIssue } from '../../sdk';

/** Attributes of a merged record (besides the attributes all its records share). */
export const MERGE_ATTRIBUTES = {
  /** How many records it holds. */
  count: 'merge.count',
  /** Why the bin was merged: max-records, max-bytes, min-records, max-age or batch-full. */
  reason: 'merge.reason',
  /** How long (ms) the bin waited, from when its oldest record was first seen. */
  binAge: 'merge.bin.age',
} as const;

export const mergeRecordSpec = defineProcessor({
  type: 'MergeRecord',
  version: 1,
  category: 'Transform',
  summary: 'Merges records into one record whose content is the array of their contents, by count, size, age and an attribute.',
  input: 'required',
  properties: z.object({
    minRecords: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1)
      .meta({
        label: 'Minimum records',
        description:
          'A bin is merged once it holds this many records; until then its records wait in the input queue. ' +
          'At most the batch size: a bin is gathered from the records one trigger sees.',
        order: 1,
      }),
    maxRecords: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1_000)
      .meta({
        label: 'Maximum records',
        description: 'A bin never holds more (nor more than a batch); the next record starts a new bin.',
        order: 2,
      }),
    maxBytes: z
      .number()
      .int()
      .min(0)
      .default(0)
      .meta({
        label: 'Maximum bin size (bytes)',
        description: 'Estimated size of the merged content a bin may reach; 0 for no limit. A record bigger on its own goes to failure.',
        order: 3,
      }),
    maxBinAgeMs: z
      .number()
      .int()
      .min(0)
      .default(0)
      .meta({
        label: 'Maximum bin age (ms)',
        description: 'A bin this old is merged even below the minimum, so a trickle still gets out; 0 waits for the minimum.',
        order: 4,
      }),
    correlationAttribute: z
      .string()
      .max(200)
      .default('')
      .meta({
        label: 'Correlation attribute',
        description: 'Merge only records with the same value of this attribute (one bin per value); empty for one bin.',
        placeholder: 'e.g. region',
        order: 5,
      }),
  }),
  relationships: [
    { name: 'merged', description: 'One record per bin: its content the array of the contents, in order; merge.count, merge.reason, merge.bin.age.' },
    { name: 'original', description: 'The records that went into a merged record.' },
    { name: 'failure', description: 'Records bigger on their own than the maximum bin size (reason in error.message).' },
  ],
  validate: (props) => {
    const issues: ValidationIssue[] = [];
    if (props.maxRecords < props.minRecords) {
      issues.push({ property: 'maxRecords', message: `must be at least the minimum (${props.minRecords})` });
    }
    return issues;
  },
});
