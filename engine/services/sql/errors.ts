import type { Statement } from './types';

/**
 * A database error as the SQL processors need it: a message a data engineer can act on (naming the
 * table and, when known, the column; never a password), and whether trying again later may work.
 *
 *   retryable  the database could not be reached, the connection dropped, a deadlock or
 *              serialization conflict: nothing is wrong with the data, so the processor throws and
 *              the engine rolls the batch back and retries it with backoff.
 *   otherwise  this statement with these values is wrong (constraint, bad value, unknown column,
 *              syntax): the records involved go to `failure` with the message.
 */
export class SqlError extends Error {
  override readonly name = 'SqlError';
  constructor(
    message: string,
    readonly retryable: boolean,
    /** SQLSTATE (PostgreSQL) or the driver's code (MySQL: ER_DUP_ENTRY …), when there is one. */
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when the error says "bad statement or data", the kind that belongs to the records. */
export function isStatementError(error: unknown): error is SqlError {
  return error instanceof SqlError && !error.retryable;
}

/** Network errors that mean the server could not be reached at all. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** The message of an error the driver or the network raised (no SQLSTATE): the connection is the problem. */
export function connectionFailed(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const what = typeof code === 'string' && UNREACHABLE_CODES.has(code) ? 'cannot reach the database' : 'connection failed';
  return `${what} (${messageOf(error)})`;
}

/** `table "orders", column "qty": ` — what the message is about, when the error or statement says. */
export function subjectOf(statement: Statement | undefined, table: string | undefined, column: string | undefined): string {
  const parts: string[] = [];
  const tableName = statement?.table ?? table;
  if (tableName) parts.push(`table "${tableName}"`);
  if (column) parts.push(`column "${column}"`);
  return parts.length ? `${parts.join(', ')}: ` : '';
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
