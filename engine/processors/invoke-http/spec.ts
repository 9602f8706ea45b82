import { z } from 'zod';
import { defineProcessor, type ValidationIssue } from '../../sdk';
import { parseUrlTemplate } from './url-template';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** Methods that send the record (or the batch) as the request body. */
export const METHODS_WITH_BODY: readonly string[] = ['POST', 'PUT', 'PATCH'];

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const invokeHttpSpec = defineProcessor({
  type: 'InvokeHTTP',
  version: 1,
  category: 'Transform',
  summary: 'Calls an HTTP API for each record (or once per batch) and routes by the answer: response, retry, no retry.',
  input: 'required',
  properties: z.object({
    url: z
      .string()
      .min(1, 'a URL is required')
      .superRefine((url, ctx) => {
        try {
          parseUrlTemplate(url);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
        }
      })
      .default('https://api.example.com/customers/{customerId}')
      .meta({
        destination: true,
        label: 'URL',
        description:
          'The URL to call. {field} or {nested.field} is replaced by the record\'s value, URL-encoded; not allowed in the host.',
        placeholder: 'https://api.example.com/customers/{customerId}',
        order: 1,
      }),
    method: z
      .enum(HTTP_METHODS)
      .default('GET')
      .meta({ label: 'Method', description: 'POST, PUT and PATCH send the record content as a JSON body.', order: 2 }),
    mode: z
      .enum(['per-record', 'per-batch'])
      .default('per-record')
      .meta({
        label: 'Mode',
        description: 'per-record: one request per record; per-batch: one request carrying the whole batch (up to the batch size).',
        order: 3,
      }),
    batchFormat: z
      .enum(['json-array', 'ndjson'])
      .default('json-array')
      .meta({ label: 'Batch body', description: 'per-batch: the records as one JSON array, or one JSON object per line.', order: 4 }),
    headers: z
      .record(z.string(), z.string())
      .default({})
      .meta({ label: 'Headers', description: 'Extra request headers. Put credentials in Authorization, which is kept secret.', order: 5 }),
    authorization: z
      .string()
      .default('')
      .meta({
        label: 'Authorization',
        description: 'Value of the Authorization header (e.g. "Bearer …"); stored as a secret, never shown or logged.',
        placeholder: 'Bearer …',
        sensitive: true,
        order: 6,
      }),
    timeoutMs: z
      .number()
      .int()
      .min(1)
      .max(600_000)
      .default(30_000)
      .meta({ label: 'Timeout (ms)', description: 'For the whole exchange (connect, send, read the answer); a timeout goes to retry.', order: 7 }),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(8)
      .meta({ label: 'Requests at once', description: 'per-record: how many requests of a batch are in flight together.', order: 8 }),
    maxResponseBytes: z
      .number()
      .int()
      .min(1)
      .max(1024 ** 3)
      .default(10 * 1024 ** 2)
      .meta({
        label: 'Max response (bytes)',
        description: 'A larger answer is not read (memory stays bounded): the record goes to no.retry with http.error saying so.',
        order: 8.5,
      }),
    responseMode: z
      .enum(['merge', 'replace', 'field'])
      .default('merge')
      .meta({
        label: 'Response into record',
        description:
          'merge: the response object\'s fields are merged into the record; replace: the response becomes the record; field: the response is set in Response field. A response that is not an object is set in Response field when merging.',
        order: 9,
      }),
    responseField: z
      .string()
      .regex(/^[A-Za-z_$][\w$]*$/, 'a field name')
      .default('response')
      .meta({ label: 'Response field', description: 'The field that receives the response in field mode (and non-object responses in merge mode).', order: 10 }),
  }),
  relationships: [
    {
      name: 'response',
      description:
        'On 2xx: per-record, a copy of the record with the response body (parsed JSON, or text) and attributes http.status.code, http.status.message, http.url, http.duration.ms; per-batch, one record holding the response body.',
    },
    { name: 'original', description: 'On 2xx: the input records, unchanged but for the http.* attributes.' },
    {
      name: 'retry',
      description:
        'Worth trying again: 5xx, 429, 408, timeouts, refused or reset connections (http.status.code or http.error). Add "retry" to the processor\'s retry policy to resend with backoff before records land here.',
    },
    { name: 'no.retry', description: 'Refused by the server (other 4xx, or an unfollowed 3xx), with http.status.code and http.response.body.' },
    { name: 'failure', description: 'The request could not be built, e.g. a URL placeholder the record has no value for (reason in error.message).' },
  ],
  validate: (props) => {
    const issues: ValidationIssue[] = [];
    if (props.mode === 'per-batch') {
      if (!METHODS_WITH_BODY.includes(props.method)) {
        issues.push({ property: 'method', message: 'per-batch sends the records as the request body: use POST, PUT or PATCH' });
      }
      if (/\{[^{}]*\}/.test(props.url)) {
        issues.push({ property: 'url', message: 'per-batch sends many records to one URL: remove the {placeholders} or use per-record' });
      }
    }
    for (const [name, value] of Object.entries(props.headers)) {
      if (/[\r\n\0]/.test(value)) issues.push({ property: 'headers', message: `header ${name}: the value cannot contain line breaks` });
      if (!HEADER_NAME.test(name)) issues.push({ property: 'headers', message: `"${name}" is not a valid header name` });
      else if (name.toLowerCase() === 'authorization') {
        issues.push({ property: 'headers', message: 'put the Authorization value in the Authorization property, which is kept secret' });
      }
    }
    // the message must not repeat the value: it is a secret
    if (/[\r\n\0]/.test(props.authorization)) issues.push({ property: 'authorization', message: 'the value cannot contain line breaks' });
    return issues;
  },
});
