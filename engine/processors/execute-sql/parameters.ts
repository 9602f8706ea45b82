import type { Dialect } from '../../services/sql/dialect';
import { toParameter } from '../../services/sql/json-safe';
import type { FlowRecord } from '../../sdk';

/**
 * Named parameters in ExecuteSQL's statement:
 *   :name       the record's field `name` (a dotted path reaches nested fields: `:customer.id`)
 *   :@name      the record's attribute `name` (`:@kafka.key`)
 * Names are letters, digits, `_` and `.`. Each becomes a placeholder of the database's own kind and
 * its value a bound parameter: the value is data, never SQL. Text inside quotes, quoted identifiers
 * and comments is left alone, and so are PostgreSQL casts (`::date`) and MySQL's `:=`.
 */
export interface NamedParameter {
  readonly from: 'field' | 'attribute';
  readonly name: string;
}

export interface ParsedSql {
  /** The SQL around the parameters: parameters[i] goes between text[i] and text[i + 1]. */
  readonly text: readonly string[];
  readonly parameters: readonly NamedParameter[];
}

const NAME_START = /[A-Za-z_]/;
const NAME = /[A-Za-z0-9_.]/;

export function parseNamedParameters(sql: string, syntax: Dialect['syntax']): ParsedSql {
  const text: string[] = [];
  const parameters: NamedParameter[] = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'" || c === '"' || c === '`') {
      const escapes = syntax.backslashEscapes || (c === "'" && /[eE]/.test(sql[i - 1] ?? '') && !NAME.test(sql[i - 2] ?? ''));
      i = endOfQuoted(sql, i, escapes && c !== '`');
    } else if ((c === '-' && next === '-') || (c === '#' && syntax.hashComments)) {
      i = sql.indexOf('\n', i);
      if (i < 0) i = sql.length;
    } else if (c === '/' && next === '*') {
      i = sql.indexOf('*/', i + 2);
      i = i < 0 ? sql.length : i + 2;
    } else if (c === '$' && syntax.dollarQuotes && /^\$[A-Za-z_]*\$/.test(sql.slice(i))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))![0];
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? sql.length : end + tag.length;
    } else if (c === ':' && next === ':') {
      i += 2;
    } else if (c === ':' && (NAME_START.test(next ?? '') || (next === '@' && NAME.test(sql[i + 2] ?? '')))) {
      const from = next === '@' ? 'attribute' : 'field';
      let end = from === 'attribute' ? i + 2 : i + 1;
      while (end < sql.length && NAME.test(sql[end])) end++;
      // a sentence-ending dot is not part of the name: `WHERE id = :id.`
      while (sql[end - 1] === '.') end--;
      text.push(sql.slice(start, i));
      parameters.push({ from, name: sql.slice(from === 'attribute' ? i + 2 : i + 1, end) });
      start = i = end;
    } else {
      i++;
    }
  }
  text.push(sql.slice(start));
  return { text, parameters };
}

/** Index just past the quoted text that starts at `open` (a doubled quote mark stays inside). */
function endOfQuoted(sql: string, open: number, backslashEscapes: boolean): number {
  const mark = sql[open];
  let i = open + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === '\\') i += 2;
    else if (sql[i] === mark && sql[i + 1] === mark) i += 2;
    else if (sql[i] === mark) return i + 1;
    else i++;
  }
  return sql.length;
}

/** The statement text with the dialect's placeholders in place of the names. */
export function withPlaceholders(parsed: ParsedSql, dialect: Dialect): string {
  let sql = parsed.text[0];
  for (let i = 0; i < parsed.parameters.length; i++) sql += dialect.placeholder(i + 1) + parsed.text[i + 1];
  return sql;
}

/** The parameter values for one record, or why the record cannot run the statement. */
export function bindParameters(parsed: ParsedSql, record: FlowRecord): { values: unknown[] } | { error: string } {
  const values: unknown[] = [];
  for (const parameter of parsed.parameters) {
    if (parameter.from === 'attribute') {
      const value = record.attributes[parameter.name];
      if (value === undefined) return { error: `parameter :@${parameter.name}: the record has no attribute "${parameter.name}"` };
      values.push(value);
      continue;
    }
    const value = fieldOf(record.content, parameter.name);
    if (value === undefined) return { error: `parameter :${parameter.name}: the record has no field "${parameter.name}"` };
    values.push(toParameter(value));
  }
  return { values };
}

/** A field by name, or by dotted path when no field has the whole name. */
function fieldOf(content: unknown, name: string): unknown {
  if (typeof content !== 'object' || content === null) return undefined;
  const object = content as Record<string, unknown>;
  if (Object.hasOwn(object, name)) return object[name];
  let value: unknown = content;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
