import { z } from 'zod';
import { defineProcessor, type ValidationIssue } from '../../sdk';

const queryName = /^[A-Za-z][\w-]{0,40}$/;
const reserved = ['original', 'failure'];

export const queryRecordSpec = defineProcessor({
  type: 'QueryRecord',
  version: 1,
  category: 'Transform',
  summary: 'Runs SQL (DuckDB) over each batch of records as the table `records`; each query\'s result rows go to the relationship named after it.',
  input: 'required',
  pure: true,
  properties: z.object({
    queries: z
      .record(z.string(), z.string().trim().min(1, 'a query is required'))
      .default({})
      .meta({
        label: 'Queries',
        description:
          'Relationship name → one SQL statement over the table records, e.g. big → SELECT * FROM records WHERE qty * price > 100, ' +
          'or by_sku → SELECT sku, sum(qty) AS qty FROM records GROUP BY sku. Each result row becomes a record. The table holds ' +
          'one batch (the processor\'s batch size), so aggregates are per batch. Syntax is checked at start; column names only ' +
          'when records arrive, since their schema comes from them.',
        multiline: true,
        order: 1,
      }),
  }),
  relationships: [
    { name: 'original', description: 'The input records, once every query has run on their batch.' },
    { name: 'failure', description: 'Input records whose batch a query failed on, or that are not objects (reason in error.message).' },
  ],
  dynamic: true,
  dynamicRelationships: (props) => Object.keys(props.queries),
  validate: (props) => {
    const issues: ValidationIssue[] = [];
    if (Object.keys(props.queries).length === 0) issues.push({ property: 'queries', message: 'add at least one query' });
    for (const name of Object.keys(props.queries)) {
      if (!queryName.test(name)) issues.push({ property: 'queries', message: `query name "${name}" must be a word (it names a relationship)` });
      if (reserved.includes(name)) issues.push({ property: 'queries', message: `query name "${name}" is reserved` });
    }
    return issues;
  },
});
