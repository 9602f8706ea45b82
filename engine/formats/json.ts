import { bomLength, countLines, failure, type Decoded, type TextCodec } from './codec';

/**
 * A JSON document: an array of records (one item per element), or any other value (one item). The
 * elements of an array are framed byte by byte (strings and nesting tracked), so a big array is read
 * a batch at a time; an element that is not valid JSON is a failure and the next ones go on. A
 * document that is not an array is read whole.
 */
export function jsonCodec(): TextCodec {
  return {
    format: 'json',
    tabular: false,
    decode(bytes, cursor, max, final) {
      const items: Decoded[] = [];
      let pos = bomLength(bytes, cursor);
      let { line, index } = cursor;
      let mode = cursor.context && 'json' in cursor.context ? cursor.context.json : undefined;
      const skip = (to: number) => {
        line += countLines(bytes, pos, to);
        pos = to;
      };
      while (items.length < max) {
        skip(afterWhitespace(bytes, pos));
        if (pos >= bytes.length) {
          if (final && mode === undefined) mode = 'end'; // an empty document: no records
          if (final && mode === 'array') {
            items.push(failure('', 'the JSON array has no closing "]" (a truncated file?)', index++, line));
            mode = 'end';
          }
          break;
        }
        if (mode === undefined) {
          mode = bytes[pos] === OPEN_ARRAY ? 'array' : 'value';
          if (mode === 'array') skip(pos + 1);
          continue;
        }
        if (mode === 'end') {
          items.push(failure(bytes.toString('utf8', pos), 'text after the end of the JSON document', index++, line));
          skip(bytes.length);
          break;
        }
        if (mode === 'value') {
          if (!final) break;
          items.push(parsed(bytes.toString('utf8', pos), index++, line));
          skip(bytes.length);
          mode = 'end';
          continue;
        }
        if (bytes[pos] === CLOSE_ARRAY) {
          skip(pos + 1);
          mode = 'end';
          continue;
        }
        if (bytes[pos] === COMMA) {
          skip(pos + 1);
          continue;
        }
        let end = elementEnd(bytes, pos);
        if (end === -1 && !final) break;
        if (end === -1) end = bytes.length;
        items.push(parsed(bytes.toString('utf8', pos, end), index++, line));
        skip(end);
      }
      return { items, cursor: { offset: cursor.offset + pos, line, index, ...(mode ? { context: { json: mode } } : {}) } };
    },
    header: () => '[',
    rows: (values, _columns, written) => values.map((value, i) => `${written + i > 0 ? ',' : ''}\n${JSON.stringify(value)}`).join(''),
    footer: (written) => (written > 0 ? '\n]\n' : ']\n'),
  };
}

function parsed(text: string, index: number, line: number): Decoded {
  try {
    return { value: JSON.parse(text), index, line };
  } catch (error) {
    return failure(text.trim(), `not valid JSON: ${(error as Error).message}`, index, line);
  }
}

const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function afterWhitespace(bytes: Buffer, from: number): number {
  let i = from;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return i;
}

/**
 * Where the array element starting at `from` ends: at the "," or "]" that follows it outside strings
 * and nesting; -1 if that is past the bytes. A stray "}" stays in the element (JSON.parse reports it).
 */
function elementEnd(bytes: Buffer, from: number): number {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (b === BACKSLASH) escaped = true;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_ARRAY || b === OPEN_OBJECT) depth++;
    else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
      if (depth > 0) depth--;
      else if (b === CLOSE_ARRAY) return i;
    } else if (b === COMMA && depth === 0) return i;
  }
  return -1;
}
