import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The one gate every request passes before Next, the API or socket.io sees it (conflux-server.ts):
 * - Host must name this server (the public URL's host, or loopback): a foreign Host is a DNS
 *   rebinding page talking to a server on localhost;
 * - a state-changing request must come from this server's own pages or from no browser at all:
 *   Origin (when sent) must be an allowed origin, Sec-Fetch-Site must not say cross-site, and its
 *   body must be JSON (`application/json` cannot be sent across origins without a preflight, which
 *   Conflux never grants), so a page on another site cannot build or start a flow;
 * - bodies are bounded: a declared length past the limit is refused before it is read (413), and a
 *   body without a declared length is refused (411), so nothing reads an unbounded stream;
 * - every answer carries the security headers.
 * Scripts and the CLI (no Origin, no Sec-Fetch-Site) pass the origin check; their access is a matter
 * of credentials, not of origin.
 */

export interface GuardOptions {
  /** The URL people open Conflux at (CONFLUX_PUBLIC_URL); loopback names are always allowed too. */
  publicUrl?: string;
  /** The largest request body accepted, in bytes (CONFLUX_MAX_BODY_BYTES, default 1 MiB). */
  maxBodyBytes?: number;
  /** The port this server listens on: a loopback Origin must name it (another local app is another origin). */
  port: () => number;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why a request is refused, or undefined when it may go on. */
export interface Refusal {
  readonly status: number;
  readonly error: string;
}

export interface RequestGuard {
  /** Host and, for a socket.io handshake, Origin: what the live channel checks. */
  checkHandshake(request: IncomingMessage): Refusal | undefined;
  /** Everything, for an HTTP request. */
  check(request: IncomingMessage): Refusal | undefined;
  readonly maxBodyBytes: number;
}

export function requestGuard(options: GuardOptions): RequestGuard {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const publicUrl = options.publicUrl ? new URL(options.publicUrl) : undefined;
  const allowedHosts = new Set(LOOPBACK);
  if (publicUrl) allowedHosts.add(publicUrl.hostname.toLowerCase());
  const hint = publicUrl ? `the public URL is ${publicUrl.origin}` : 'set CONFLUX_PUBLIC_URL to the address people open Conflux at';

  const hostAllowed = (host: string | undefined) => host !== undefined && allowedHosts.has(hostnameOf(host));
  /** An Origin is ours when its host is allowed and, for the public URL's host, its scheme and port match too. */
  const originAllowed = (origin: string) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (publicUrl && url.origin === publicUrl.origin) return true;
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK.has(url.hostname) && port === String(options.port());
  };

  function checkHost(request: IncomingMessage): Refusal | undefined {
    const host = request.headers.host;
    if (!hostAllowed(host)) return { status: 421, error: `requests for host "${host ?? ''}" are not served here (${hint})` };
    return undefined;
  }

  function checkOrigin(request: IncomingMessage): Refusal | undefined {
    const origin = request.headers.origin;
    if (origin !== undefined && !originAllowed(origin)) {
      return { status: 403, error: `requests from ${origin} are refused: only Conflux's own pages may change it (${hint})` };
    }
    if (request.headers['sec-fetch-site'] === 'cross-site') return { status: 403, error: 'cross-site requests are refused' };
    return undefined;
  }

  return {
    maxBodyBytes,
    checkHandshake: (request) => checkHost(request) ?? checkOrigin(request),
    check(request) {
      const refused = checkHost(request);
      if (refused) return refused;
      if (SAFE_METHODS.has(request.method ?? 'GET')) return undefined;
      return checkOrigin(request) ?? checkBody(request, maxBodyBytes);
    },
  };
}

function checkBody(request: IncomingMessage, maxBodyBytes: number): Refusal | undefined {
  const length = request.headers['content-length'];
  const chunked = request.headers['transfer-encoding'] !== undefined;
  if (length === undefined && !chunked) return undefined; // no body
  if (length === undefined) return { status: 411, error: 'a request body needs a Content-Length' };
  const bytes = Number(length);
  if (bytes > maxBodyBytes) return { status: 413, error: `the request body (${bytes} bytes) is larger than the limit of ${maxBodyBytes} bytes` };
  if (bytes === 0) return undefined;
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') return { status: 415, error: `request bodies must be JSON sent as application/json, not "${type || 'no content type'}"` };
  return undefined;
}

/** "example.com:3000" → "example.com"; "[::1]:3000" → "[::1]". */
function hostnameOf(host: string): string {
  const lower = host.toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.lastIndexOf(':');
  return colon >= 0 ? lower.slice(0, colon) : lower;
}

/**
 * The headers every answer carries. Next's pages need inline scripts (its hydration data) and
 * inline styles (React Flow), so scripts are limited to this origin plus inline, never eval'd
 * from elsewhere; nothing may frame Conflux (clickjacking), sniff types or leak its URLs.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * Up to this many bytes of a refused body are read and thrown away before the answer, so that
 * clients which cannot read an answer while they upload (fetch) still get the message; a larger
 * upload is cut off right after the answer.
 */
const DISCARD_UP_TO_BYTES = 16 * 1024 * 1024;

/** Answer a refusal as the API answers errors: JSON with `error`. Nothing of the body is kept. */
export function refuse(request: IncomingMessage, response: ServerResponse, { status, error }: Refusal): void {
  const answer = () => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
    response.end(JSON.stringify({ error }));
  };
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > 0 && declared <= DISCARD_UP_TO_BYTES) {
    request.on('end', answer).on('error', answer).resume();
  } else answer();
}
