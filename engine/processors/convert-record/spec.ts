import { z } from 'zod';
import { defineProcessor } from '../../sdk';

export const convertRecordSpec = defineProcessor({
  type: 'ConvertRecord',
  version: 1,
  category: 'Transform',
  summary:
    'Parses CSV, JSON lines or JSON text carried by a record into records (one per row, or an array), or serializes ' +
    'records back into such text. Parquet is binary: convert it through files with GetFile and PutFile.',
  input: 'required',
  pure: true,
  properties: z.object({
    operation: z
      .enum(['parse', 'serialize'])
      .default('parse')
      .meta({ label: 'Operation', description: 'parse: text → rows; serialize: rows → text.', order: 1 }),
    format: z.enum(['csv', 'jsonl', 'json']).default('csv').meta({ label: 'Format', description: 'The text format (CSV has a header row).', order: 2 }),
    rows: z
      .enum(['records', 'array'])
      .default('records')
      .meta({
        label: 'Rows',
        description:
          'records: parse makes one record per row (the row is its content; attributes are kept, record.index added); ' +
          'serialize turns all the records of a batch into one record holding the text. ' +
          'array: the rows are an array inside the record, replaced in place by the text (serialize) or the text by them (parse).',
        order: 3,
      }),
    field: z
      .string()
      .regex(/^([A-Za-z_][\w]*)?$/, 'a field name, or empty for the whole content')
      .default('')
      .meta({
        label: 'Field',
        description: 'The content field that holds the text (or, with Rows = array, the rows); empty: the whole content.',
        placeholder: 'body',
        order: 4,
      }),
    delimiter: z.string().length(1, 'one character').default(',').meta({ label: 'CSV delimiter', description: 'The field separator of CSV text.', order: 5 }),
    typedValues: z
      .boolean()
      .default(true)
      .meta({
        label: 'Typed CSV values',
        description: 'Read unquoted CSV numbers, true/false and empty fields as numbers, booleans and null; off: every value is a string.',
        order: 6,
      }),
  }),
  relationships: [
    { name: 'success', description: 'The rows (parse) or the text (serialize).' },
    {
      name: 'failure',
      description: 'Records without text or rows where the Field says, rows CSV cannot hold, and (parse, Rows = records) each line that did not parse: its raw text as content, the reason in error.message, its line in record.line.',
    },
  ],
});
