import { z } from 'zod';
import { defineProcessor } from '../../sdk';

export const SET_FIELD_OPERATIONS = ['constant', 'copy', 'add', 'subtract', 'multiply', 'divide', 'concat'] as const;

const operand = z.string().max(200);

export const setFieldSpec = defineProcessor({
  type: 'SetField',
  version: 1,
  category: 'Transform',
  summary: 'Sets one field of each record from other fields or a constant, without an expression language (fastest).',
  input: 'required',
  pure: true,
  properties: z.object({
    field: z
      .string()
      .regex(/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/, 'a field name, or a dotted path like order.total')
      .default('total')
      .meta({ label: 'Field', description: 'The field to set (dotted path for nested objects).', order: 1 }),
    operation: z
      .enum(SET_FIELD_OPERATIONS)
      .default('multiply')
      .meta({
        label: 'Operation',
        description: 'constant: Left as a JSON value; copy: the field named by Left; add … concat: Left op Right.',
        order: 2,
      }),
    left: operand
      .min(1, 'an operand is required')
      .default('qty')
      .meta({ label: 'Left', description: 'A field name, a dotted path, or a number.', order: 3 }),
    right: operand
      .default('price')
      .meta({ label: 'Right', description: 'A field name, a dotted path, or a number (for the two-operand operations).', order: 4 }),
  }),
  relationships: [
    { name: 'success', description: 'Records with the field set.' },
    { name: 'failure', description: 'Records whose operands are missing or of the wrong type (reason in attribute error.message).' },
  ],
  validate: (props) => {
    const binary = !['constant', 'copy'].includes(props.operation);
    if (binary && props.right.trim() === '') return [{ property: 'right', message: `${props.operation} needs a right operand` }];
    if (props.operation === 'constant') {
      try {
        JSON.parse(props.left);
      } catch {
        return [{ property: 'left', message: 'a constant must be a JSON value, e.g. 42, "text" or true' }];
      }
    }
    return [];
  },
});
