/**
 * Whether a failure means the database could not be reached for a moment (PostgreSQL restarting, a
 * dropped connection, a busy SQLite file), rather than a bug: the member can simply try again in a
 * moment, and is told so in plain words instead of being given an error code to report.
 */
export function isStoreUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth += 1) {
    if (cause instanceof AggregateError && cause.errors.some(isStoreUnavailable)) return true;
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true;
    if (PG_CONNECTION_MESSAGES.some((pattern) => pattern.test(cause.message))) return true;
    // Its shard leases were lost: the process is stopping, and the process that takes over answers the next try.
    if (cause.name === 'ShardLeaseLost') return true;
    // Refused because another write failed while this one was prepared: this one would go through now.
    if (cause.name === 'EarlierWriteFailed') return true;
  }
  return false;
}

/** Node's codes for a connection refused, dropped or not made in time. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'SQLITE_BUSY']);

/**
 * PostgreSQL's SQLSTATEs for a server that is going away or full (class 08, connection exceptions, is
 * matched by its prefix): admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** What node-postgres says, without a code, when a connection ends under it or cannot be had. */
const PG_CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^Query read timeout/,
];
