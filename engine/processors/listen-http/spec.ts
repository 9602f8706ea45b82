import { z } from 'zod';
import { defineProcessor, type ValidationIssue } from '../../sdk';

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The header names of a comma- or space-separated list, lower-cased (how Node presents them). */
export function headerNamesOf(list: string): string[] {
  return list
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((name) => name.toLowerCase());
}

/**
 * Whether a listen address accepts only callers on this machine: 127.0.0.0/8, ::1 (also as
 * ::ffff:127.x) and localhost. Any other name counts as reachable from elsewhere: it cannot be
 * resolved here (specs also run in the browser), and a name may resolve differently later.
 */
export function isLoopbackAddress(host: string): boolean {
  const address = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (address === 'localhost' || address === '::1' || address === '0:0:0:0:0:0:0:1') return true;
  return /^(::ffff:)?127(\.\d{1,3}){3}$/.test(address);
}

export const listenHttpSpec = defineProcessor({
  type: 'ListenHTTP',
  version: 1,
  category: 'Sources',
  summary:
    'A webhook endpoint: receives JSON or NDJSON over HTTP POST, one record per object, and answers 200 only once the records are safely queued.',
  input: 'forbidden',
  properties: z.object({
    port: z
      .number()
      .int()
      .min(0)
      .max(65_535)
      .default(8081)
      .meta({
        label: 'Port',
        description: 'TCP port to listen on. 0 picks a free port at start; the bound port shows on the processor.',
        order: 1,
      }),
    host: z
      .string()
      .min(1, 'an address is required')
      .default('127.0.0.1')
      .meta({
        label: 'Listen address',
        description:
          '127.0.0.1 (the default) accepts only callers on this machine. To accept callers on other machines choose it explicitly: ' +
          '0.0.0.0 listens on every interface, or give one address of this machine; then set a bearer token or basic auth (or allow unauthenticated callers).',
        order: 2,
      }),
    basePath: z
      .string()
      .regex(/^\/[^\s?#]*$/, 'a path starting with /, e.g. /webhooks/orders')
      .default('/')
      .meta({
        label: 'Base path',
        description: 'Requests to this path or below it are accepted (the exact path is in http.path); others get 404.',
        placeholder: '/webhooks/orders',
        order: 3,
      }),
    maxBodyBytes: z
      .number()
      .int()
      .min(1)
      .max(1024 ** 3)
      .default(10 * 1024 ** 2)
      .meta({ label: 'Max body (bytes)', description: 'Larger requests are refused with 413.', order: 4 }),
    maxBytesInFlight: z
      .number()
      .int()
      .min(1)
      .max(16 * 1024 ** 3)
      .default(64 * 1024 ** 2)
      .meta({
        label: 'Bodies in flight (bytes)',
        description:
          'The most bytes of request bodies read at once, over all callers: a request that would go beyond it gets 503 with Retry-After before its body is read, so many large requests at once cannot exhaust memory. At least Max body.',
        order: 5,
      }),
    maxBuffered: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(10_000)
      .meta({
        label: 'Buffer (records)',
        description:
          'Records received but not yet in the flow. When full (the flow is back-pressured), callers get 503 with Retry-After instead of waiting without bound.',
        order: 6,
      }),
    headerAttributes: z
      .string()
      .refine((list) => headerNamesOf(list).every((name) => HEADER_NAME.test(name)), 'header names separated by commas')
      .default('')
      .meta({
        label: 'Headers as attributes',
        description: 'Request headers copied to every record as http.header.<name> (lower-case), separated by commas.',
        placeholder: 'x-github-event, x-request-id',
        order: 7,
      }),
    bearerToken: z
      .string()
      .default('')
      .meta({
        label: 'Bearer token',
        description: 'When set, requests must carry "Authorization: Bearer <token>"; others get 401.',
        sensitive: true,
        order: 8,
      }),
    basicUsername: z
      .string()
      .default('')
      .meta({
        label: 'Basic auth user name',
        description: 'With a password: requests must carry HTTP basic auth ("Authorization: Basic ...") with this user name and password; others get 401. Instead of a bearer token, not with one.',
        order: 9,
      }),
    basicPassword: z
      .string()
      .default('')
      .meta({ label: 'Basic auth password', description: 'The password of the basic auth user name.', sensitive: true, order: 10 }),
    allowUnauthenticated: z
      .boolean()
      .default(false)
      .meta({
        label: 'Accept unauthenticated callers from other machines',
        description:
          'A listen address other than loopback (127.0.0.1, ::1, localhost) needs a bearer token or basic auth, unless this is on: then anyone who can reach the port can send records.',
        order: 11,
      }),
  }),
  validate: (props) => [
    ...(props.maxBytesInFlight < props.maxBodyBytes
      ? [{ property: 'maxBytesInFlight', message: `must be at least Max body (${props.maxBodyBytes} bytes), or a largest request could never be read` }]
      : []),
    ...authIssues(props),
  ],
  relationships: [
    {
      name: 'success',
      description:
        'One record per received object, with attributes http.method, http.path, http.query, http.remote.address, http.content.type, http.request.id and the chosen http.header.* values.',
    },
  ],
});

/** The properties that decide who may send records. */
interface CallerSettings {
  readonly host: string;
  readonly bearerToken: string;
  readonly basicUsername: string;
  readonly basicPassword: string;
  readonly allowUnauthenticated: boolean;
}

/** One way to authenticate at most, basic auth complete, and callers from elsewhere authenticated unless allowed not to be. */
function authIssues(props: CallerSettings): ValidationIssue[] {
  const basic = props.basicUsername !== '' || props.basicPassword !== '';
  if (basic && (props.basicUsername === '' || props.basicPassword === '')) {
    const property = props.basicUsername === '' ? 'basicUsername' : 'basicPassword';
    return [{ property, message: 'basic auth needs both a user name and a password' }];
  }
  if (basic && props.bearerToken !== '') {
    return [{ property: 'basicUsername', message: 'choose one way to authenticate: a bearer token or basic auth, not both' }];
  }
  if (!basic && props.bearerToken === '' && !props.allowUnauthenticated && !isLoopbackAddress(props.host)) {
    return [
      {
        property: 'host',
        message: `${props.host} accepts callers from other machines: set a bearer token or basic auth, or turn on "Accept unauthenticated callers from other machines"`,
      },
    ];
  }
  return [];
}
