import { SqlError, connectionFailed, messageOf, subjectOf } from '../errors';
import type { Statement } from '../types';

/** Codes where the server, not the statement, is the problem: try the batch again later. */
const RETRYABLE_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED',
  'ER_CONNECTION_KILLED',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  // read-only server (--read-only / super_read_only during a failover): the batch is fine, retry later
  'ER_OPTION_PREVENTS_STATEMENT',
  'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION',
]);

interface MysqlError {
  message: string;
  code?: string;
  sqlState?: string;
  fatal?: boolean;
}

/**
 * A mysql2 error as a SqlError. MySQL's own messages already name the column
 * ("Incorrect integer value: 'abc' for column `shop`.`orders`.`qty` at row 3"); the table is added.
 */
export function mysqlError(error: unknown, label: string, statement?: Statement): SqlError {
  if (error instanceof SqlError) return error;
  const e = (error ?? {}) as MysqlError;
  const code = e.code ?? '';
  const fromServer = typeof e.sqlState === 'string' && e.sqlState.length === 5;
  if (e.fatal || RETRYABLE_CODES.has(code) || !fromServer || e.sqlState!.startsWith('08')) {
    const what = fromServer ? messageOf(error) : connectionFailed(error);
    return new SqlError(`MySQL ${label}: ${what}`, true, code || undefined, { cause: error });
  }
  return new SqlError(`${subjectOf(statement, undefined, undefined)}${e.message}`, false, code || undefined, { cause: error });
}
