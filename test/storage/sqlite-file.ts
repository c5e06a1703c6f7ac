import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { GuildWriteQueue, type GuildWrite } from '../../src/store/guild-write-queue.ts';
import { openStore, type Store } from '../../src/store/sqlite-store.ts';
import { reportCorruptRecords, type CorruptRecord } from '../../src/store/stored-record.ts';

/**
 * A real SQLite file for storage tests, opened as the bot opens it, with the reports of corrupt
 * records collected, and ways to put into it what a bug, a torn write or an older release left there.
 */
export interface SqliteFile {
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
  /** Every key written to the file from now on, in order (read from an SQLite trigger, so any writer counts). */
  watchWrites(): Promise<() => Promise<string[]>>;
  /** Closes this connection and opens the same file again, as a restart does. */
  reopen(): Promise<SqliteFile>;
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

// keyv's SQLite adapter keeps one table, `keyv`, and our store namespaces every key with `hc:`.
const TABLE = 'keyv';
const rowKey = (key: string) => `hc:${key}`;

type Query = (sql: string, ...parameters: unknown[]) => Promise<Array<Record<string, unknown>>>;
const queryOf = (store: Store): Query => {
  const adapter = store.keyv.store as { query: Query };
  return (sql, ...parameters) => adapter.query(sql, ...parameters);
};

export async function sqliteFile(url = `sqlite://${join(mkdtempSync(join(tmpdir(), 'hc-records-')), 'circle.sqlite')}`): Promise<SqliteFile> {
  const store = await openStore(url);
  opened.push(store);
  await store.ready();
  const reports: CorruptRecord[] = [];
  reportCorruptRecords(store, (record) => reports.push(record));
  const query = queryOf(store);
  return {
    url,
    store,
    reports,
    async put(key, value) {
      await store.keyv.set(key, value);
    },
    async putText(key, text) {
      await query(`INSERT INTO ${TABLE} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, rowKey(key), text);
    },
    raw(key) {
      return store.keyv.get(key);
    },
    async keysStartingWith(prefix) {
      const rows = await query(`SELECT key FROM ${TABLE} WHERE substr(key, 1, ?) = ? ORDER BY key`, rowKey(prefix).length, rowKey(prefix));
      return rows.map((row) => String(row.key).slice('hc:'.length));
    },
    async watchWrites() {
      await query('CREATE TABLE IF NOT EXISTS test_writes (n INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT)');
      await query('DELETE FROM test_writes');
      await query(`CREATE TRIGGER IF NOT EXISTS test_writes_insert AFTER INSERT ON ${TABLE} BEGIN INSERT INTO test_writes (key) VALUES (new.key); END`);
      await query(`CREATE TRIGGER IF NOT EXISTS test_writes_update AFTER UPDATE ON ${TABLE} BEGIN INSERT INTO test_writes (key) VALUES (new.key); END`);
      return async () => (await query('SELECT key FROM test_writes ORDER BY n')).map((row) => String(row.key).slice('hc:'.length));
    },
    async reopen() {
      await store.close();
      return sqliteFile(url);
    },
  };
}
