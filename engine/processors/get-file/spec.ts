import { z } from 'zod';
import { defineProcessor, fileRootProblem, FILE_ROOTS_NOTE, type ValidationIssue } from '../../sdk';

export const GET_FILE_FORMATS = ['auto', 'csv', 'jsonl', 'json', 'parquet'] as const;

export const getFileSpec = defineProcessor({
  type: 'GetFile',
  version: 1,
  category: 'Sources',
  summary:
    'Reads records from files that appear in a directory (CSV, JSON lines, JSON, Parquet), a batch at a time: ' +
    'a big file is read across many triggers and a restart resumes mid-file, without loss or duplicates.',
  input: 'forbidden',
  triggerSerially: true,
  properties: z.object({
    directory: z
      .string()
      .min(1, 'a directory is required')
      .default('data/in')
      .meta({
        label: 'Directory',
        description: `The directory to watch (relative paths are from the server's working directory). ${FILE_ROOTS_NOTE}`,
        placeholder: '/data/incoming',
        order: 1,
      }),
    pattern: z
      .string()
      .min(1, 'a pattern is required')
      .default('*')
      .superRefine((pattern, ctx) => {
        const regex = /^\/(.*)\/([a-z]*)$/.exec(pattern);
        if (!regex) return;
        try {
          new RegExp(regex[1], regex[2]);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(error as Error).message}` });
        }
      })
      .meta({
        label: 'File name pattern',
        description: 'A glob on the file name (*.csv, orders-*.{csv,jsonl}), or a regular expression between slashes (/^orders-\\d+\\.csv$/). Hidden files (.name) are never read.',
        placeholder: '*.csv',
        order: 2,
      }),
    format: z
      .enum(GET_FILE_FORMATS)
      .default('auto')
      .meta({
        label: 'Format',
        description: 'auto: from the extension (.csv, .jsonl/.ndjson, .json, .parquet); files with other extensions are ignored.',
        order: 3,
      }),
    recurse: z.boolean().default(false).meta({ label: 'Recurse', description: 'Also read files in subdirectories (not the done directory).', order: 4 }),
    minAgeMs: z
      .number()
      .int()
      .min(0)
      .default(1000)
      .meta({ label: 'Minimum age (ms)', description: 'Skip files modified more recently than this: a file still being written is read once it is complete.', order: 5 }),
    after: z
      .enum(['move', 'delete', 'keep'])
      .default('move')
      .meta({
        label: 'After reading',
        description:
          'move: into the done directory; delete; keep: leave it, remembering it (by path, size and modification time) so it is not read again unless it changes.',
        order: 6,
      }),
    doneDirectory: z
      .string()
      .min(1)
      .default('done')
      .meta({
        label: 'Done directory',
        description: 'Where files go when "After reading" is move (relative to the directory); inside the allowed file roots, like the directory.',
        order: 7,
      }),
    delimiter: z.string().length(1, 'one character').default(',').meta({ label: 'CSV delimiter', description: 'The field separator of CSV files.', order: 8 }),
    typedValues: z
      .boolean()
      .default(true)
      .meta({
        label: 'Typed CSV values',
        description: 'Read unquoted CSV numbers, true/false and empty fields as numbers, booleans and null; off: every value is a string.',
        order: 9,
      }),
    pollIntervalMs: z
      .number()
      .int()
      .min(10)
      .default(1000)
      .meta({ label: 'Poll interval (ms)', description: 'How long to wait before looking again when there is no file to read.', order: 10 }),
  }),
  validate: (props): ValidationIssue[] => {
    const directory = fileRootProblem(props.directory, 'Directory');
    if (directory) return [{ property: 'directory', message: directory }];
    // checked once the directory is inside: a done directory below one outside says nothing new
    const done = props.after === 'move' && fileRootProblem(props.doneDirectory, 'Done directory', { relativeTo: props.directory });
    return done ? [{ property: 'doneDirectory', message: done }] : [];
  },
  relationships: [
    { name: 'success', description: 'One record per row, line or array element; attributes filename, path, file.format, record.index.' },
    {
      name: 'parse.failure',
      description: 'A line or row that could not be read: the raw text as content, the reason in error.message, its line in record.line; or a whole file that is not in its format (content null).',
    },
  ],
});
