import pg from 'pg';

/**
 * PostgreSQL refused a value, not the query: SQLSTATE class 22, data exception (a NUL byte in
 * text, a date or number out of range, a malformed uuid). The values come from requests, so
 * the HTTP layer answers these with 400 rather than claiming the fault is the server's. The
 * routes check their input first; this is the net under whatever a check missed.
 */
export function isRejectedValue(error: unknown): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError && typeof error.code === 'string' && error.code.startsWith('22');
}
