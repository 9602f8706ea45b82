import type { ValidationIssue } from '../../engine/sdk';

const BRAND = Symbol.for('conflux.http-error');

/** An error the API answers with its own status and message (4xx), with per-field issues where known. */
export class HttpError extends Error {
  readonly [BRAND] = true;

  constructor(
    readonly status: number,
    message: string,
    readonly issues?: readonly ValidationIssue[],
  ) {
    super(message);
  }
}

/**
 * Next bundles its own copy of this module for the route handlers, while the FlowService that
 * throws runs from server.ts's copy, so `instanceof` would fail across the two: check the brand.
 */
export function isHttpError(error: unknown): error is HttpError {
  return typeof error === 'object' && error !== null && (error as { [BRAND]?: boolean })[BRAND] === true;
}

export const notFound = (what: string) => new HttpError(404, `${what} not found`);
export const badRequest = (message: string, issues?: readonly ValidationIssue[]) => new HttpError(400, message, issues);
export const conflict = (message: string, issues?: readonly ValidationIssue[]) => new HttpError(409, message, issues);

/**
 * A failed zod parse as a 400 naming each bad field ("invalid request: name: …"); `under` prefixes
 * the paths when the schema checked part of the input (`scheduling.cron`).
 */
export function invalidInput(
  error: { readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[] },
  what = 'request',
  under: readonly string[] = [],
): HttpError {
  const issues = error.issues.map((i) => ({ property: [...under, ...i.path.map(String)].join('.') || undefined, message: i.message }));
  return badRequest(`invalid ${what}: ${issues.map((i) => (i.property ? `${i.property}: ${i.message}` : i.message)).join('; ')}`, issues);
}
