import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import { FORMATS } from './formats';

/**
 * JSON Schema compilation for ValidateRecord, shared by its spec (a schema that does not compile
 * is an error on the property, in the form, the API and at start) and its runtime. ajv and these
 * helpers run in the browser too.
 */

export interface SchemaOptions {
  /** Report every problem of a record, not just the first. */
  readonly allErrors?: boolean;
  /** Turn "3" into 3 (and the like) where the schema asks for another type; changes the content. */
  readonly coerceTypes?: boolean;
}

const DRAFT_2020 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;
const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;

/** Compile a schema given as JSON text; throws an Error saying what is wrong with it. */
export function compileJsonSchema(text: string, options: SchemaOptions = {}): ValidateFunction {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`);
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new Error('a JSON Schema is an object, e.g. {"type": "object", "required": ["orderId"]}');
  }
  const declared = (schema as { $schema?: unknown }).$schema;
  if (declared !== undefined && !(typeof declared === 'string' && (DRAFT_2020.test(declared) || DRAFT_07.test(declared)))) {
    throw new Error(`$schema ${JSON.stringify(declared)} is not supported: use draft 2020-12 (https://json-schema.org/draft/2020-12/schema) or draft-07`);
  }
  const Validator = typeof declared === 'string' && DRAFT_07.test(declared) ? Ajv : Ajv2020;
  // strict (ajv's default): an unknown keyword or format is an error, so a typo does not pass silently
  const ajv = new Validator({ allErrors: options.allErrors, coerceTypes: options.coerceTypes, formats: FORMATS, logger: false });
  try {
    return ajv.compile(schema);
  } catch (error) {
    throw new Error((error as Error).message);
  }
}

/** Why a schema text does not compile, or undefined when it does. */
export function schemaProblem(text: string): string | undefined {
  try {
    compileJsonSchema(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The problems, one phrase each ("/qty must be >= 1"), joined; cut at a whole problem to stay within
 * `maxLength` (attributes travel with every record), saying how many were left out.
 */
export function describeErrors(errors: readonly ErrorObject[], maxLength = 1_000): string {
  let text = '';
  for (let i = 0; i < errors.length; i++) {
    const part = describeError(errors[i]);
    const joined = i === 0 ? part : `${text}; ${part}`;
    // leave room for "; … and N more" unless this is the last problem
    const room = i === errors.length - 1 ? maxLength : maxLength - 24;
    if (joined.length > room) return i === 0 ? `${part.slice(0, maxLength - 1)}…` : `${text}; … and ${errors.length - i} more`;
    text = joined;
  }
  return text;
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'record' : error.instancePath;
  const { params } = error as { params: Record<string, unknown> };
  let detail = '';
  if (error.keyword === 'additionalProperties') detail = ` (${String(params.additionalProperty)})`;
  if (error.keyword === 'enum') detail = ` (${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')})`;
  return `${where} ${error.message ?? error.keyword}${detail}`;
}
