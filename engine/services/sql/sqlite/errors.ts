import { SqlError, messageOf, subjectOf } from '../errors';
import type { Statement } from '../types';

/**
 * SQLite result codes where the file, not the statement, is the problem: another program holds the
 * lock, the disk is full or failing, the file cannot be opened. Everything else (constraints,
 * syntax, no such table, a value of the wrong kind) belongs to the statement and its records.
 */
const RETRYABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL|NOMEM|INTERRUPT)/;

/** A better-sqlite3 error as a SqlError; a constraint names its column when SQLite does ("UNIQUE constraint failed: t.c"). */
export function sqliteError(error: unknown, label: string, statement?: Statement): SqlError {
  if (error instanceof SqlError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = messageOf(error);
  if (typeof code === 'string' && RETRYABLE.test(code)) return new SqlError(`SQLite ${label}: ${message}`, true, code, { cause: error });
  const column = /constraint failed: (?:[^.\s]+\.)?([^\s,]+)/.exec(message)?.[1];
  return new SqlError(`${subjectOf(statement, undefined, column)}${message}`, false, typeof code === 'string' ? code : undefined, { cause: error });
}
