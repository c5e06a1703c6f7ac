import { createServer } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isStoreUnavailable } from '../../src/store/store-unavailable.ts';
import { POSTGRES_URL } from './sqlite-file.ts';

/** What a query through node-postgres rejects with, or undefined when it succeeds. */
async function failureOf(connectionString: string, sql: string): Promise<unknown> {
  const pool = new pg.Pool({ connectionString, connectionTimeoutMillis: 5_000 });
  pool.on('error', () => undefined);
  try {
    await pool.query(sql);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/** A port that accepts a connection and drops it at once, as a database going away does. */
async function droppingPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('telling a database out of reach from a bug', () => {
  it('GIVEN PostgreSQL refusing connections or dropping them WHEN a query fails THEN the failure counts as the store being unavailable', async () => {
    const dropping = await droppingPort();
    try {
      const refused = await failureOf('postgresql://postgres@127.0.0.1:1/test', 'SELECT 1');
      const dropped = await failureOf(`postgresql://postgres@127.0.0.1:${dropping.port}/test`, 'SELECT 1');
      expect(isStoreUnavailable(refused)).toBe(true);
      expect(isStoreUnavailable(dropped)).toBe(true);
      // Wrapped, as the store wraps what it cannot open.
      expect(isStoreUnavailable(new Error('PostgreSQL cannot be used', { cause: refused }))).toBe(true);
    } finally {
      await dropping.close();
    }
  });

  it('GIVEN a statement PostgreSQL refuses WHEN it fails THEN that is not the store being unavailable', async () => {
    const failure = await failureOf(POSTGRES_URL, 'SELECT * FROM a_table_that_is_not_there');
    expect(failure).toBeInstanceOf(Error);
    expect(isStoreUnavailable(failure)).toBe(false);
    expect(isStoreUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
  });
});
