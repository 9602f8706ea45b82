/** Characters of a refused response's body kept in http.response.body, to see why without a packet capture. */
const BODY_EXCERPT_CHARS = 1_000;

/** What came of one HTTP request. */
export type Exchange =
  | {
      readonly kind: 'answered';
      readonly url: string;
      readonly status: number;
      readonly statusText: string;
      readonly contentType: string;
      /** Raw body text ('' when empty, or when over the size limit). */
      readonly text: string;
      /** Set when the body was larger than allowed and was not read. */
      readonly oversize?: string;
      readonly durationMs: number;
    }
  /** No answer: timeout, refused or reset connection, unknown host. */
  | { readonly kind: 'unreachable'; readonly url: string; readonly error: string; readonly durationMs: number };

/** Where an exchange goes: 2xx → response; worth another try → retry; the server said no → no.retry. */
export function relationshipOf(exchange: Exchange): 'response' | 'retry' | 'no.retry' {
  if (exchange.kind === 'unreachable') return 'retry';
  if (exchange.oversize) return 'no.retry';
  const { status } = exchange;
  if (status >= 200 && status < 300) return 'response';
  if (status >= 500 || status === 429 || status === 408) return 'retry';
  return 'no.retry';
}

/** Send a request (its signal carries the timeout) and read the answer, up to maxBytes; never throws. */
export async function exchange(request: Request, timeoutMs: number, maxBytes = Infinity): Promise<Exchange> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(request);
    const body = await readUpTo(response, maxBytes);
    return {
      kind: 'answered',
      url: request.url,
      status: response.status,
      statusText: response.statusText,
      contentType: response.headers.get('content-type') ?? '',
      text: body ?? '',
      ...(body === undefined && { oversize: `the response is larger than ${maxBytes} bytes (Max response)` }),
      durationMs: elapsed(),
    };
  } catch (error) {
    return { kind: 'unreachable', url: request.url, error: describe(error, timeoutMs), durationMs: elapsed() };
  }
}

/** The body as text, or undefined (and the rest not downloaded) once it passes maxBytes. */
async function readUpTo(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    bytes += next.value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(next.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The body as JSON when it says it is JSON (and parses), else as text; undefined when empty. */
export function bodyOf(exchange: Exchange & { kind: 'answered' }): unknown {
  if (exchange.text === '') return undefined;
  const type = exchange.contentType.split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(exchange.text);
    } catch {
      // a server that mislabels its answer: keep the text rather than lose it
    }
  }
  return exchange.text;
}

/** The http.* attributes describing an exchange, for every record it concerns. */
export function attributesOf(exchange: Exchange): Record<string, string> {
  const attributes: Record<string, string> = { 'http.url': exchange.url, 'http.duration.ms': String(exchange.durationMs) };
  if (exchange.kind === 'unreachable') {
    attributes['http.error'] = exchange.error;
    return attributes;
  }
  attributes['http.status.code'] = String(exchange.status);
  if (exchange.oversize) attributes['http.error'] = exchange.oversize;
  attributes['http.status.message'] = exchange.statusText;
  if (exchange.contentType) attributes['http.response.content.type'] = exchange.contentType;
  if (relationshipOf(exchange) !== 'response' && exchange.text) attributes['http.response.body'] = exchange.text.slice(0, BODY_EXCERPT_CHARS);
  return attributes;
}

function describe(error: unknown, timeoutMs: number): string {
  const { name, message, cause } = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (cause?.message) return cause.message;
  return message ?? String(error);
}
