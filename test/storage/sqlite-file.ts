import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import KeyvSqlite from '@keyv/sqlite';
import pg from 'pg';
import { postgresTarget } from '../../src/store/postgres-store.ts';
import { GuildWriteQueue, type GuildWrite } from '../../src/store/guild-write-queue.ts';
import { openStore, type Store } from '../../src/store/sqlite-store.ts';
import { reportCorruptRecords, type CorruptRecord } from '../../src/store/stored-record.ts';

/**
 * A real database for storage tests, SQLite or PostgreSQL, opened as the bot opens it, with the
 * reports of corrupt records collected, and ways to put into it what a bug, a torn write or an older
 * release left there. Every storage contract test runs on each of {@link BACKENDS}.
 */
export interface StoreFile {
  readonly url: string;
  readonly store: Store;
  readonly reports: CorruptRecord[];
  /** Stores `value` under `key` through keyv, as any release would: a JSON record of any shape. */
  put(key: string, value: unknown): Promise<void>;
  /** Stores `text` as the row's raw text, bypassing keyv: what a torn or hand-edited row looks like. */
  putText(key: string, text: string): Promise<void>;
  /** The record under `key` as stored (JSON), read through keyv. */
  raw(key: string): Promise<unknown>;
  /** The stored keys that start with `prefix`, sorted. */
  keysStartingWith(prefix: string): Promise<string[]>;
  /** Every key written from now on, in order (read from a trigger on the table, so any writer counts). */
  watchWrites(): Promise<() => Promise<string[]>>;
  /** Closes this connection and opens the same database again, as a restart does. */
  reopen(): Promise<StoreFile>;
}
/** The name the storage tests grew up with. */
export type SqliteFile = StoreFile;

/** One database the store runs on, and the SQL the tests need to reach under keyv. */
export interface Backend {
  readonly name: string;
  /** A URL to a new, empty store of this kind (a new file, or a new PostgreSQL schema). */
  newUrl(): string;
  /** The table, as SQL names it. */
  table(url: string): string;
  /** Runs raw SQL through the store's own read connection; placeholders are written `$1, $2, ...` and fitted to the database. */
  query(store: Store, sql: string, values?: readonly unknown[]): Promise<Array<Record<string, unknown>>>;
  /** Creates `<name>` as a table that records every key inserted or updated in `table`, in order. */
  createWriteLog(store: Store, table: string, name: string): Promise<void>;
  /** SQL for a trigger on `table` that refuses (raises `message`) rows whose key contains `needle`. */
  refuseKeysContaining(store: Store, table: string, needle: string, message: string): Promise<void>;
  /**
   * Holds every write to the store at `url` from another connection (reads go on): the store's commits
   * wait until the returned release is called (within SQLite's 5 s busy timeout).
   */
  holdWrites(url: string): Promise<() => Promise<void>>;
}

const queue = new GuildWriteQueue();

/** Runs `task` in the guild's write queue with its write handle, as a service does to write. */
export function inRun<T>(guildId: string, task: (tx: GuildWrite) => Promise<T>): Promise<T> {
  return queue.run(guildId, task);
}

const opened: Store[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

type AdapterQuery = (sql: string, ...parameters: unknown[]) => Promise<Array<Record<string, unknown>>>;
const adapterQuery = (store: Store): AdapterQuery => {
  const adapter = store.keyv.store as { query: AdapterQuery };
  return (sql, ...parameters) => adapter.query(sql, ...parameters);
};

export const SQLITE: Backend = {
  name: 'SQLite',
  newUrl: () => `sqlite://${join(mkdtempSync(join(tmpdir(), 'hc-records-')), 'circle.sqlite')}`,
  // keyv's SQLite adapter keeps one table, `keyv`.
  table: () => 'keyv',
  query: (store, sql, values = []) => adapterQuery(store)(sql.replace(/\$\d+/g, '?'), values),
  async createWriteLog(store, table, name) {
    const query = adapterQuery(store);
    await query(`CREATE TABLE IF NOT EXISTS ${name} (n INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT)`);
    await query(`DELETE FROM ${name}`);
    await query(`CREATE TRIGGER IF NOT EXISTS ${name}_insert AFTER INSERT ON ${table} BEGIN INSERT INTO ${name} (key) VALUES (new.key); END`);
    await query(`CREATE TRIGGER IF NOT EXISTS ${name}_update AFTER UPDATE ON ${table} BEGIN INSERT INTO ${name} (key) VALUES (new.key); END`);
  },
  async refuseKeysContaining(store, table, needle, message) {
    await adapterQuery(store)(
      `CREATE TRIGGER refuse_${needle} BEFORE INSERT ON ${table} WHEN NEW.key LIKE '%${needle}%' BEGIN SELECT RAISE(ABORT, '${message}'); END`,
    );
  },
  async holdWrites(url) {
    // The write lock, taken by a connection of its own: the store's writer waits for it.
    const connection = new KeyvSqlite({ uri: url });
    await connection.query('BEGIN IMMEDIATE');
    return async () => {
      await connection.query('COMMIT');
      await connection.close();
    };
  },
};

/** The PostgreSQL the tests use (CI runs one too); each store gets a schema of its own, dropped after the file's tests. */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];
let schemaCount = 0;
afterAll(async () => {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
});

/** A schema name no other test run uses, dropped after this file's tests. */
export function testSchema(): string {
  schemaCount += 1;
  const schema = `hc_test_${process.pid}_${Date.now().toString(36)}_${schemaCount}`;
  schemas.push(schema);
  return schema;
}

export const POSTGRES: Backend = {
  name: 'PostgreSQL',
  newUrl: () => `${POSTGRES_URL}?schema=${testSchema()}`,
  table: (url) => `${new URL(url).searchParams.get('schema') ?? 'public'}.keyv`,
  query: (store, sql, values = []) => adapterQuery(store)(sql, values),
  async createWriteLog(store, table, name) {
    const query = adapterQuery(store);
    const schema = table.split('.')[0]!;
    await query(`CREATE TABLE IF NOT EXISTS ${schema}.${name} (n SERIAL PRIMARY KEY, key TEXT)`);
    await query(`DELETE FROM ${schema}.${name}`);
    await query(
      `CREATE OR REPLACE FUNCTION ${schema}.${name}() RETURNS trigger AS $$ BEGIN INSERT INTO ${schema}.${name} (key) VALUES (NEW.key); RETURN NEW; END $$ LANGUAGE plpgsql`,
    );
    await query(`DROP TRIGGER IF EXISTS ${name} ON ${table}`);
    await query(`CREATE TRIGGER ${name} AFTER INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${schema}.${name}()`);
  },
  async refuseKeysContaining(store, table, needle, message) {
    const query = adapterQuery(store);
    const schema = table.split('.')[0]!;
    await query(`CREATE FUNCTION ${schema}.refuse_${needle}() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION '${message}'; END $$ LANGUAGE plpgsql`);
    await query(
      `CREATE TRIGGER refuse_${needle} BEFORE INSERT ON ${table} FOR EACH ROW WHEN (NEW.key LIKE '%${needle}%') EXECUTE FUNCTION ${schema}.refuse_${needle}()`,
    );
  },
  async holdWrites(url) {
    // EXCLUSIVE lets plain reads through and holds every INSERT, UPDATE and DELETE until COMMIT.
    const client = new pg.Client({ connectionString: postgresTarget(url).connectionString });
    await client.connect();
    await client.query('BEGIN');
    await client.query(`LOCK TABLE ${POSTGRES.table(url)} IN EXCLUSIVE MODE`);
    return async () => {
      await client.query('COMMIT');
      await client.end();
    };
  },
};

export const BACKENDS: readonly Backend[] = [SQLITE, POSTGRES];

const rowKey = (key: string) => `hc:${key}`;

/** A new, empty store on `backend` (or the one at `url`), opened as the bot opens it. */
export async function storeFile(backend: Backend, url = backend.newUrl()): Promise<StoreFile> {
  const store = await openStore(url);
  opened.push(store);
  await store.ready();
  const reports: CorruptRecord[] = [];
  reportCorruptRecords(store, (record) => reports.push(record));
  const table = backend.table(url);
  const query = (sql: string, ...values: unknown[]) => backend.query(store, sql, values);
  return {
    url,
    store,
    reports,
    async put(key, value) {
      await store.keyv.set(key, value);
    },
    async putText(key, text) {
      // Our store namespaces every key with `hc:`.
      await query(`INSERT INTO ${table} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, rowKey(key), text);
    },
    raw(key) {
      return store.keyv.get(key);
    },
    async keysStartingWith(prefix) {
      // Byte order in both databases (PostgreSQL's default collation would sort by language rules).
      const order = backend === POSTGRES ? 'key COLLATE "C"' : 'key';
      const rows = await query(`SELECT key FROM ${table} WHERE substr(key, 1, $1) = $2 ORDER BY ${order}`, rowKey(prefix).length, rowKey(prefix));
      return rows.map((row) => String(row.key).slice('hc:'.length));
    },
    async watchWrites() {
      await backend.createWriteLog(store, table, 'test_writes');
      const log = backend === POSTGRES ? `${table.split('.')[0]}.test_writes` : 'test_writes';
      return async () => (await query(`SELECT key FROM ${log} ORDER BY n`)).map((row) => String(row.key).slice('hc:'.length));
    },
    async reopen() {
      await store.close();
      return storeFile(backend, url);
    },
  };
}

/** A new SQLite file, or the one at `url`. */
export function sqliteFile(url?: string): Promise<StoreFile> {
  return storeFile(SQLITE, url);
}
