import { SqlError, connectionFailed, messageOf, subjectOf } from '../errors';
import type { Statement } from '../types';

/** SQLSTATE classes and codes where the database, not the statement, is the problem. */
const RETRYABLE_CLASSES = new Set(['08', '53', '57', '58']); // connection, resources, operator intervention, system
// serialization failure, deadlock, lock not available; read-only transaction (a primary demoted in a
// failover: the batch is fine, the server will take it once a new primary is up)
const RETRYABLE_CODES = new Set(['40001', '40P01', '55P03', '25006']);

interface PgError {
  message: string;
  code?: string;
  detail?: string;
  table?: string;
  column?: string;
  where?: string;
}

const isSqlState = (code: unknown): code is string => typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);

/**
 * A pg error as a SqlError. The column comes from the error itself (not-null violations) or from
 * the parameter it names ("unnamed portal parameter $7" → the statement's 7th parameter's column).
 */
export function postgresError(error: unknown, label: string, statement?: Statement): SqlError {
  if (error instanceof SqlError) return error;
  const e = (error ?? {}) as PgError;
  // 08P01 (protocol violation) is in the connection class but is the statement's fault: `$2` in SQL given one parameter
  const retryable = !isSqlState(e.code) || ((RETRYABLE_CLASSES.has(e.code.slice(0, 2)) || RETRYABLE_CODES.has(e.code)) && e.code !== '08P01');
  if (retryable) {
    // no SQLSTATE: the driver or the network failed (connection refused, terminated, timed out)
    const what = isSqlState(e.code) ? messageOf(error) : connectionFailed(error);
    return new SqlError(`PostgreSQL ${label}: ${what}`, true, e.code, { cause: error });
  }
  const position = Number(/parameter \$(\d+)/.exec(e.where ?? '')?.[1]);
  const column =
    e.column ??
    (position ? statement?.parameterColumns?.[position - 1] : undefined) ??
    /^COPY .*, column ([^:]+):/.exec(e.where ?? '')?.[1] ??
    (e.code === '22001' ? tooLongColumn(e.message, statement) : undefined);
  const detail = e.detail ? ` (${e.detail})` : '';
  return new SqlError(`${subjectOf(statement, e.table, column)}${e.message}${detail}`, false, e.code, { cause: error });
}

/**
 * "value too long for type character varying(10)" names no column: it is the one whose value is
 * longer than that, when exactly one is (as it is once a failing batch is narrowed to one row).
 */
function tooLongColumn(message: string, statement: Statement | undefined): string | undefined {
  const limit = Number(/\((\d+)\)/.exec(message)?.[1]);
  if (!limit || !statement?.parameterColumns) return undefined;
  const columns = new Set<string>();
  statement.params.forEach((value, i) => {
    const column = statement.parameterColumns![i];
    if (column && typeof value === 'string' && [...value].length > limit) columns.add(column);
  });
  return columns.size === 1 ? [...columns][0] : undefined;
}
