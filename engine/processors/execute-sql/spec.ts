import { z } from 'zod';
import { defineProcessor, serviceRef } from '../../sdk';

export const executeSqlSpec = defineProcessor({
  type: 'ExecuteSQL',
  version: 1,
  category: 'Transform',
  summary: "Runs an SQL statement for each record, with parameters bound from the record's fields and attributes, and emits the rows it returns.",
  input: 'required',
  properties: z.object({
    database: serviceRef('sql').meta({ description: 'The PostgreSQL or MySQL pool to run the statement on.', order: 1 }),
    sql: z
      .string()
      .trim()
      .min(1, 'a statement is required')
      .default('SELECT * FROM customers WHERE id = :customerId')
      .meta({
        label: 'SQL',
        description:
          'One statement. :name is bound to the field `name` of the record (:customer.id for a nested field), :@name to its attribute `name`. Values are always sent as parameters, never pasted into the SQL, so a record cannot change the statement.',
        multiline: true,
        order: 2,
      }),
    results: z
      .enum(['row', 'array'])
      .default('row')
      .meta({
        label: 'Results',
        description:
          "row: one record per result row, each a child of the input (none for an empty result). array: the input record, its content replaced by the array of rows. Either way sql.row.count holds the number of rows. A statement without a result set (INSERT, UPDATE …) passes the input on with sql.rows.affected.",
        order: 3,
      }),
  }),
  relationships: [
    { name: 'success', description: 'Result rows (or, per Results, the input with its rows); inputs of statements that return no rows.' },
    { name: 'failure', description: "Records the statement failed for, with the database's message in error.message." },
  ],
});
