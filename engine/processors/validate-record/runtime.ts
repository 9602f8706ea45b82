import { implement } from '../../sdk';
import { compileJsonSchema, describeErrors } from './json-schema';
import { VALIDATION_ERRORS_ATTRIBUTE, validateRecordSpec } from './spec';

export default implement(validateRecordSpec, ({ props }) => {
  const validate = compileJsonSchema(props.schema, { allErrors: props.allErrors, coerceTypes: props.coerceTypes });
  return {
    onTrigger(batch, session) {
      for (const record of batch) {
        // ajv coerces in place, and records are immutable: coerce a copy, which the valid record then carries
        const content = props.coerceTypes ? structuredClone(record.content) : record.content;
        if (validate(content)) {
          session.transfer(props.coerceTypes ? session.update(record, { content }) : record, 'valid');
        } else {
          const attributes = { [VALIDATION_ERRORS_ATTRIBUTE]: describeErrors(validate.errors ?? []) };
          session.transfer(session.update(record, { attributes }), 'invalid');
        }
      }
    },
  };
});
