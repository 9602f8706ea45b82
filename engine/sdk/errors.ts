/**
 * Errors as the engine weighs them. A processor throws when a trigger cannot be done; the engine
 * rolls the batch back and retries it later. Whether the records are to blame decides what happens
 * when it keeps failing: a transient error (a database or broker that cannot be reached, a dropped
 * connection, a deadlock, a full disk) is retried with backoff for as long as it lasts; any other is
 * taken to be about the input, and a batch that keeps failing for it is tried record by record so
 * the bad records go to `failure` (RetryPolicy.isolateAfter).
 */

/** Throw it (or set `retryable: true` on an error) to say "nothing is wrong with the records: try again later". */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  readonly retryable = true;
}

/** System error codes of an outage, not of the data: the peer cannot be reached, or the disk is full. */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ENOSPC']);

/** Whether an error (or one of its causes) says the failure will pass on its own. */
export function isTransient(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const { retryable, retriable, code, cause } = error as { retryable?: unknown; retriable?: unknown; code?: unknown; cause?: unknown };
  // SqlError says `retryable`, kafkajs `retriable`
  if (retryable === true || retriable === true) return true;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  return isTransient(cause, depth + 1);
}
