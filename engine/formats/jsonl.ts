import { bomLength, failure, type Decoded, type TextCodec } from './codec';

/**
 * JSON lines: one JSON value per line. Blank lines are skipped; a line that is not JSON is a failure
 * with its line number, and the lines after it go on.
 */
export function jsonlCodec(): TextCodec {
  return {
    format: 'jsonl',
    tabular: false,
    decode(bytes, cursor, max, final) {
      const items: Decoded[] = [];
      let pos = bomLength(bytes, cursor);
      let { line, index } = cursor;
      while (items.length < max && pos < bytes.length) {
        const newline = bytes.indexOf(10, pos);
        if (newline === -1 && !final) break;
        const end = newline === -1 ? bytes.length : newline + 1;
        const text = bytes.toString('utf8', pos, newline === -1 ? end : newline);
        if (text.trim() !== '') {
          try {
            items.push({ value: JSON.parse(text), index, line });
          } catch (error) {
            items.push(failure(text.replace(/\r$/, ''), `not JSON: ${(error as Error).message}`, index, line));
          }
          index++;
        }
        line++;
        pos = end;
      }
      return { items, cursor: { offset: cursor.offset + pos, line, index } };
    },
    header: () => '',
    rows: (values) => values.map((value) => `${JSON.stringify(value)}\n`).join(''),
    footer: () => '',
  };
}
