/** Socket-level failures: the server is gone or cannot be reached. */
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** SQLSTATEs that mean "not now" rather than "wrong": admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. */
const unavailableStates = new Set(['57P01', '57P02', '57P03', '53300']);

/**
 * True when an error from `pg` says the database cannot be reached right now (connection
 * refused, reset or timed out, or the server shutting down), as opposed to a query that is
 * wrong. The HTTP layer answers these with 503 `database_unavailable`.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (networkCodes.has(code) || unavailableStates.has(code) || code.startsWith('08'))) return true;
  // pg's own words when a client dies mid-query or the pool cannot connect in time.
  return /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(error.message);
}
