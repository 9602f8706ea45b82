import { z } from 'zod';
import { defineProcessor, fileRootProblem, FILE_ROOTS_NOTE } from '../../sdk';

export const putFileSpec = defineProcessor({
  type: 'PutFile',
  version: 1,
  category: 'Sinks',
  summary:
    'Writes records to rolling files in a directory (CSV, JSON lines, JSON, Parquet). A file is written under a hidden ' +
    'temporary name and renamed when it rolls, so readers never see half a file.',
  input: 'required',
  properties: z.object({
    directory: z
      .string()
      .min(1, 'a directory is required')
      .default('data/out')
      .meta({
        label: 'Directory',
        description: `Where files are written (created if missing; relative paths are from the server's working directory). ${FILE_ROOTS_NOTE}`,
        placeholder: '/data/outgoing',
        order: 1,
      }),
    format: z
      .enum(['csv', 'jsonl', 'json', 'parquet'])
      .default('jsonl')
      .meta({ label: 'Format', description: 'csv (header from the records\' fields), jsonl (one JSON value per line), json (one array), parquet (typed columns).', order: 2 }),
    filename: z
      .string()
      .min(1)
      .default('records-{timestamp}-{seq}.{ext}')
      .refine((name) => name.includes('{timestamp}') || name.includes('{seq}'), 'include {timestamp} or {seq}, so each file gets a new name')
      .refine((name) => !/[/\\]/.test(name) && !name.startsWith('.'), 'a file name, without directories, not starting with "."')
      .meta({
        label: 'File name',
        description: '{timestamp}: when the file was started (UTC, 20260801T100000123Z); {seq}: a counter kept across restarts; {ext}: the format\'s extension.',
        order: 3,
      }),
    maxRecords: z
      .number()
      .int()
      .min(0)
      .default(100_000)
      .meta({ label: 'Max records per file', description: 'Roll to a new file after this many records; 0 for no limit.', order: 4 }),
    maxBytes: z
      .number()
      .int()
      .min(0)
      .default(128 * 1024 * 1024)
      .meta({
        label: 'Max bytes per file',
        description: 'Roll once a file reaches this size (it may pass it by one batch; for Parquet, the records\' JSON size, not the compressed file); 0 for no limit.',
        order: 5,
      }),
    maxAgeMs: z
      .number()
      .int()
      .min(0)
      .default(60_000)
      .meta({ label: 'Max file age (ms)', description: 'Roll a file this long after it was started, even if records stop coming; 0 for no limit.', order: 6 }),
    sync: z
      .boolean()
      .default(true)
      .meta({
        label: 'Sync to disk',
        description:
          'fsync each batch before its records go to success (they survive a power loss); off: written to the OS only (they survive a process crash). ' +
          'Parquet records are committed to the staging database either way.',
        order: 7,
      }),
    delimiter: z.string().length(1, 'one character').default(',').meta({ label: 'CSV delimiter', description: 'The field separator of CSV files.', order: 8 }),
  }),
  validate: (props) => {
    const outside = fileRootProblem(props.directory, 'Directory');
    return outside ? [{ property: 'directory', message: outside }] : [];
  },
  relationships: [
    { name: 'success', description: 'Records written to a file (and synced to disk when Sync is on).' },
    { name: 'failure', description: 'Records this format cannot hold: CSV and Parquet need object records (reason in error.message).' },
  ],
});
