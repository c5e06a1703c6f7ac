import KeyvPostgres from '@keyv/postgres';
import pg from 'pg';
import { SCHEMA_NAME } from '../config/config.ts';
import { getManyThrough, getThrough, GroupCommitWriter, storeOver, type Query, type Store, type WriterSql } from './group-commit.ts';

/**
 * The shared store: keyv over PostgreSQL, for several bot processes (README, "Running at scale").
 * The same table of string keys and JSON values as SQLite, the same `hc:` keys, the same group commit:
 * writes handed over together are committed in one transaction on one pool client, each write's
 * promise resolving after COMMIT; reads go through the pool and see committed data only.
 *
 * `STORE_URL=postgresql://user:password@host:5432/database?schema=helper_circle` (or `postgres://`):
 * `schema` (default `public`) holds the table `keyv`; it is created if missing. Every other URL
 * parameter (sslmode, ...) goes to the PostgreSQL client as is.
 */
export function isPostgresUrl(storeUrl: string): boolean {
  return /^postgres(ql)?:\/\//.test(storeUrl);
}

const TABLE = 'keyv';
/** Key column width: the keys the bot stores are far shorter; SQLite does not enforce one at all. */
const KEY_SIZE = 1024;
const CONNECT_TIMEOUT_MS = 10_000;

/** The connection string without our own `schema` parameter, and the schema it names. */
export function postgresTarget(storeUrl: string): { connectionString: string; schema: string; where: string } {
  const url = new URL(storeUrl);
  const schema = url.searchParams.get('schema') ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error('STORE_URL schema must be lower case letters, digits and underscores (starting with a letter or _), such as helper_circle');
  }
  url.searchParams.delete('schema');
  // Where, for messages: never the user or password.
  const where = `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname || '/'} (schema ${schema})`;
  return { connectionString: url.toString(), schema, where };
}

/** `fence` (the shard leases, when several processes share the database) checks each transaction before COMMIT. */
export async function openPostgresStore(storeUrl: string, fence?: (query: Query) => Promise<void>): Promise<Store> {
  const { connectionString, schema, where } = postgresTarget(storeUrl);
  const pool = new pg.Pool({ connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle client losing its connection is dropped by the pool and replaced on the next query; the
  // event must have a listener so it cannot crash the process. Queries in flight fail on their own.
  pool.on('error', () => undefined);
  const table = `${schema}.${TABLE}`;
  const sql = postgresWriterSql(pool);
  const writer = new GroupCommitWriter(sql, table, fence);
  const adapter = new GroupCommitPostgres({ schema, table: TABLE, keySize: KEY_SIZE, pool }, writer);
  // keyv's adapter creates the schema and table on its first query, and emits (not throws) what fails.
  let creating: unknown;
  adapter.on('error', (error: unknown) => {
    creating ??= error;
  });
  try {
    await adapter.query('SELECT 1');
    if (creating !== undefined) throw creating;
    await indexForPrefixes(pool, schema, table);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`PostgreSQL at ${where} cannot be used: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return storeOver(
    adapter,
    writer,
    () => pool.end(),
    async (rowPrefix) => {
      // LIKE is case-sensitive here, and uses the key's index where the collation allows (C).
      const pattern = `${rowPrefix.replace(/[\\%_]/g, (special) => `\\${special}`)}%`;
      return (await pool.query<{ key: string }>(`SELECT key FROM ${table} WHERE key LIKE $1`, [pattern])).rows.map((row) => row.key);
    },
  );
}

/**
 * Keys are listed by prefix (a guild's members' records, an index's guilds). The key's own index serves
 * `LIKE 'prefix%'` only under the C collation; this one serves it under any. Once it exists, start-up
 * only looks it up: CREATE INDEX IF NOT EXISTS would take a lock that holds up every writer, other
 * processes' too, just to find it there. Building it (once, at the first start of this release) holds
 * writes up while it reads the table: a few seconds for millions of rows. Two processes starting at
 * once may both build it: the loser's "already exists" is no failure.
 */
async function indexForPrefixes(pool: pg.Pool, schema: string, table: string): Promise<void> {
  const found = await pool.query<{ name: string | null }>('SELECT to_regclass($1)::text AS name', [`${schema}.keyv_key_prefix`]);
  if (found.rows[0]?.name) return;
  try {
    await pool.query(`CREATE INDEX IF NOT EXISTS keyv_key_prefix ON ${table} (key text_pattern_ops)`);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== '42P07' && code !== '23505') throw error;
  }
}

/** PostgreSQL for the group commit: `$n` placeholders, and each transaction on one client of the pool. */
export function postgresWriterSql(pool: pg.Pool): WriterSql {
  const on =
    (runner: pg.Pool | pg.PoolClient): Query =>
    async (text, values) =>
      (await runner.query(text, values as unknown[] | undefined)).rows;
  return {
    query: on(pool),
    async transaction(work) {
      const client = await pool.connect();
      // A checked-out client has no listener of the pool's: a connection lost between two statements
      // would emit 'error' with no listener and crash the process. The statement in flight, or the
      // next one, fails on its own, and the transaction with it.
      const ignore = () => undefined;
      client.on('error', ignore);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(on(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollback: unknown) => {
          // A client that cannot even roll back is not given back to the pool.
          broken = rollback instanceof Error ? rollback : new Error(String(rollback));
        });
        throw error;
      } finally {
        client.off('error', ignore);
        client.release(broken);
      }
    },
    mark: (n) => `$${n}`,
  };
}

type AdapterOptions = ConstructorParameters<typeof KeyvPostgres>[0] & object;

/**
 * keyv's PostgreSQL adapter, serving reads what is still being committed first, on our own pool (the adapter's own is one per
 * process, shared by every instance, and ended by any of them), with every write handed to the
 * group-commit writer, exactly as for SQLite.
 */
class GroupCommitPostgres extends KeyvPostgres {
  private readonly writer: GroupCommitWriter;

  constructor(options: AdapterOptions & { readonly pool: pg.Pool }, writer: GroupCommitWriter) {
    super(options);
    this.writer = writer;
  }

  // Called by keyv's constructor, before this class's fields are set: the pool comes through the options.
  override async connect(): Promise<(sql: string, values?: unknown) => Promise<unknown[]>> {
    const { pool } = this.opts as { pool: pg.Pool };
    return async (text, values) => (await pool.query(text, values as unknown[] | undefined)).rows;
  }

  override async disconnect(): Promise<void> {
    // The pool is the store's: it ends it on close.
  }

  override get<Value>(key: string): Promise<Value | undefined> {
    return getThrough(this.writer, key, (unknown) => super.get(unknown)) as Promise<Value | undefined>;
  }

  override getMany<Value>(keys: string[]): Promise<Array<Value | undefined>> {
    return getManyThrough(this.writer, keys, (unknown) => super.getMany(unknown)) as Promise<Array<Value | undefined>>;
  }

  override async set(key: string, value: unknown): Promise<void> {
    await this.writer.set(key, String(value));
  }

  // keyv uses the adapter's setMany when it has one: through the group commit too.
  override async setMany(entries: Array<{ key: string; value?: unknown }>): Promise<void> {
    await Promise.all(entries.map((entry) => this.writer.set(entry.key, String(entry.value))));
  }

  override delete(key: string): Promise<boolean> {
    return this.writer.delete(key);
  }

  override async deleteMany(keys: string[]): Promise<boolean> {
    // keyv's contract for deleteMany: true when any of the keys was there.
    const deleted = await Promise.all(keys.map((key) => this.writer.delete(key)));
    return deleted.some(Boolean);
  }

  override clear(): Promise<void> {
    return this.writer.clear(this.namespace ? `${this.namespace}:%` : '%');
  }
}
