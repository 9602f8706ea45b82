import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CallerCheck } from './auth';
import type { ByteBudget } from './byte-budget';
import { ACCEPTED_CONTENT_TYPES, BodyError, formatOf, parseBody } from './parse-body';

/** Seconds a caller told "busy" should wait before sending again. */
export const RETRY_AFTER = { 'retry-after': '1' } as const;

export interface ReceiveOptions {
  /** Normalized: no trailing slash except for the root. */
  readonly basePath: string;
  readonly maxBodyBytes: number;
  /** Bytes of bodies being read, over all requests. */
  readonly budget: ByteBudget;
  /** Lower-case header names copied to the records' attributes. */
  readonly headerNames: readonly string[];
  /** Undefined when anyone may send records. */
  readonly callers: CallerCheck | undefined;
  /** Why new records cannot be taken now (the buffer is full, the listener is stopping), or undefined. */
  busyReason(): string | undefined;
}

/** An answer decided without the flow: a refusal, a health check, an empty body. */
export interface Reply {
  readonly status: number;
  readonly body: object;
  readonly headers?: Record<string, string>;
}

/** A request whose records may enter the flow. */
export interface Received {
  readonly contents: Record<string, unknown>[];
  readonly attributes: Record<string, string>;
}

/**
 * Check and read one request: path, method, credentials, content type, size, then the body, parsed
 * all or nothing. Returns the records to offer to the flow, a reply to send at once, or undefined
 * when the caller hung up.
 */
export async function receive(req: IncomingMessage, options: ReceiveOptions): Promise<Received | Reply | undefined> {
  const url = new URL(req.url ?? '/', 'http://listener');
  if (!underBasePath(url.pathname, options.basePath)) {
    return { status: 404, body: { error: `nothing here: records are accepted under ${options.basePath}` } };
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    const reason = options.busyReason();
    return reason ? { status: 503, body: { status: 'busy', reason }, headers: RETRY_AFTER } : { status: 200, body: { status: 'ok' } };
  }
  if (req.method !== 'POST') {
    return { status: 405, body: { error: `${req.method} is not supported: POST records, GET for health` }, headers: { allow: 'POST, GET, HEAD' } };
  }
  const { callers } = options;
  if (callers && !callers.accepts(req.headers.authorization)) {
    return { status: 401, body: { error: callers.refusal }, headers: { 'www-authenticate': callers.challenge } };
  }
  const contentType = req.headers['content-type'] ?? '';
  const format = formatOf(contentType);
  if (!format) {
    return { status: 415, body: { error: `Content-Type "${contentType}" is not supported: send ${ACCEPTED_CONTENT_TYPES}` } };
  }
  const reason = options.busyReason();
  if (reason) return busy(reason);
  const reading = readBody(req, options.maxBodyBytes, options.budget);
  try {
    const body = await reading.body;
    if (body === 'aborted') return undefined;
    if (body === 'too-large') {
      return { status: 413, body: { error: `the body is larger than ${options.maxBodyBytes} bytes` }, headers: { connection: 'close' } };
    }
    if (body === 'over-budget') return busy('too many request bodies are being received at once');
    const contents = parseBody(body.toString('utf8'), format);
    return { contents, attributes: attributesOf(req, url, contentType, options.headerNames) };
  } catch (error) {
    if (error instanceof BodyError) return { status: 400, body: { error: `${error.message}; nothing from this request was accepted` } };
    throw error;
  } finally {
    reading.release();
  }
}

/** 503 with Retry-After: nothing was accepted, the caller should send the same request again later. */
export function busy(reason: string): Reply {
  return { status: 503, body: { error: `${reason}: nothing was accepted, retry later` }, headers: RETRY_AFTER };
}

function underBasePath(path: string, basePath: string): boolean {
  return basePath === '/' || path === basePath || path.startsWith(`${basePath}/`);
}

/**
 * The body, or why there is none; `release` gives its bytes back to the budget (call it once the
 * body is parsed). A declared length is taken from the budget before reading, a chunked body chunk
 * by chunk. Past a limit the rest is read and discarded rather than the socket destroyed, so the
 * caller sees the 413 or 503 instead of a connection reset.
 */
function readBody(req: IncomingMessage, maxBytes: number, budget: ByteBudget): { body: Promise<Buffer | 'too-large' | 'over-budget' | 'aborted'>; release(): void } {
  let taken = 0;
  const release = () => {
    budget.give(taken);
    taken = 0;
  };
  const declared = Number(req.headers['content-length']);
  const refuse = (why: 'too-large' | 'over-budget') => {
    req.resume();
    return { body: Promise.resolve(why), release };
  };
  if (declared > maxBytes) return refuse('too-large');
  if (declared > 0) {
    if (!budget.take(declared)) return refuse('over-budget');
    taken = declared;
  }
  const body = new Promise<Buffer | 'too-large' | 'over-budget' | 'aborted'>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (why: 'too-large' | 'over-budget') => {
      req.off('data', onData);
      req.resume();
      resolve(why);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return stop('too-large');
      if (size > taken) {
        // a chunked body (or one longer than declared): take what it grew by
        if (!budget.take(size - taken)) return stop('over-budget');
        taken = size;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve('aborted'));
    req.on('close', () => {
      if (!req.complete) resolve('aborted');
    });
  });
  return { body, release };
}

function attributesOf(req: IncomingMessage, url: URL, contentType: string, headerNames: readonly string[]): Record<string, string> {
  const attributes: Record<string, string> = {
    'http.method': req.method ?? 'POST',
    'http.path': url.pathname,
    'http.remote.address': req.socket.remoteAddress ?? '',
    'http.content.type': contentType,
    'http.request.id': randomUUID(),
  };
  if (url.search) attributes['http.query'] = url.search.slice(1);
  for (const name of headerNames) {
    const value = req.headers[name];
    if (value !== undefined) attributes[`http.header.${name}`] = Array.isArray(value) ? value.join(', ') : value;
  }
  return attributes;
}
