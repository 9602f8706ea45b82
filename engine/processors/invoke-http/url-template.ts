/**
 * URLs with {field} placeholders filled from a record: `https://api.example.com/customers/{customer.id}`.
 * Values are URL-encoded (a value cannot add a path segment or a query parameter) and placeholders
 * are refused in the scheme and host (a record cannot choose which server is called).
 *
 * Browser-safe (only the sdk's record helpers): the spec checks templates with the same parser the
 * runtime renders with.
 */
import { valueAtPath } from '../../sdk/record';

const FIELD_PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;

export interface UrlTemplate {
  /** The field paths the template reads, in order. */
  readonly fields: readonly string[];
  /** The URL for a record's content, or why the record has none. */
  render(content: unknown): { url: string } | { error: string };
}

/** A template parsed once; throws an Error saying what to fix. */
export function parseUrlTemplate(template: string): UrlTemplate {
  const origin = /^https?:\/\/[^/?#]+/i.exec(template);
  if (!origin) throw new Error('the URL must start with http:// or https:// and a host');
  const literals: string[] = [];
  const paths: string[][] = [];
  const fields: string[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const field = match[1].trim();
    if (!FIELD_PATH.test(field)) throw new Error(`"{${match[1]}}" is not a field name: use {customerId} or {customer.id}`);
    if (match.index < origin[0].length) throw new Error('placeholders cannot be in the host or port: a record must not choose which server is called');
    literals.push(template.slice(last, match.index));
    paths.push(field.split('.'));
    fields.push(field);
    last = match.index + match[0].length;
  }
  literals.push(template.slice(last));
  if (literals.some((text) => /[{}]/.test(text))) throw new Error('a { or } without its pair: placeholders look like {field}');
  try {
    new URL(literals.join('x'));
  } catch {
    throw new Error(`"${template}" is not a valid URL`);
  }
  return {
    fields,
    render(content) {
      let url = literals[0];
      for (let i = 0; i < paths.length; i++) {
        const value = valueAtPath(content, paths[i]);
        if (value === undefined || value === null) return { error: `URL placeholder {${fields[i]}}: the record has no value for ${fields[i]}` };
        if (typeof value === 'object') return { error: `URL placeholder {${fields[i]}}: ${fields[i]} is an object or array, not a single value` };
        url += encodeURIComponent(String(value)) + literals[i + 1];
      }
      return { url };
    },
  };
}
