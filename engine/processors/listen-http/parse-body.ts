/** How a request body is split into records. */
export type BodyFormat = 'json' | 'ndjson';

export const ACCEPTED_CONTENT_TYPES = 'application/json (an object or an array of objects) or application/x-ndjson (one object per line)';

/** The format a Content-Type names (parameters such as charset ignored), or undefined if unsupported. */
export function formatOf(contentType: string | undefined): BodyFormat | undefined {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  if (!type) return undefined;
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'application/x-ndjson' || type === 'application/ndjson' || type === 'application/jsonl') return 'ndjson';
  return undefined;
}

/** Why a body was refused; the message names the line (and column) a caller has to fix. */
export class BodyError extends Error {}

type JsonObject = Record<string, unknown>;

/**
 * The records of a body, all or nothing: the first malformed part throws a BodyError and the caller
 * accepts nothing from the request, so a client can fix it and resend without duplicates.
 */
export function parseBody(text: string, format: BodyFormat): JsonObject[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return format === 'json' ? parseJson(body) : parseNdjson(body);
}

function parseJson(body: string): JsonObject[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new BodyError(`invalid JSON at ${locate(body, error as Error)}`);
  }
  if (!Array.isArray(value)) return [requireObject(value, 'the body')];
  return value.map((item, i) => requireObject(item, `element ${i + 1} of the array`));
}

function parseNdjson(body: string): JsonObject[] {
  const records: JsonObject[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new BodyError(`invalid JSON on line ${i + 1}: ${reasonOf(error as Error)}`);
    }
    records.push(requireObject(value, `line ${i + 1}`));
  }
  return records;
}

function requireObject(value: unknown, where: string): JsonObject {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as JsonObject;
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  throw new BodyError(`${where} is ${kind}, not an object`);
}

/** JSON.parse's message without its "in JSON at position N" tail (which varies across Node versions). */
function reasonOf(error: Error): string {
  return error.message.replace(/\s*in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'unexpected end of input');
}

/** "line L, column C: reason" from the character position JSON.parse reports (the end when it has none). */
function locate(body: string, error: Error): string {
  const match = /at position (\d+)/.exec(error.message);
  const position = match ? Number(match[1]) : body.length;
  const before = body.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: ${reasonOf(error)}`;
}
