import { randomFillSync } from 'node:crypto';

/** Random bytes drawn a few thousand at a time: one system call per 4 kB, not one per id. */
const pool = Buffer.alloc(4096);
let used = pool.length;

/**
 * A new id for a record a service creates (a ledger event, a meeting, a request, an offer, a task, a
 * pending post): `bytes` random bytes as base64url. Every check-in makes one, and `randomBytes` per id
 * was a measurable part of a check-in's CPU under a meeting's burst.
 */
export function newRecordId(bytes = 6): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const id = pool.toString('base64url', used, used + bytes);
  used += bytes;
  return id;
}
