import { fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import KeyvSqlite from '@keyv/sqlite';
import pg from 'pg';
import { GroupCommitWriter, sqliteFileOf } from '../../src/store/sqlite-store.ts';
import { postgresTarget, postgresWriterSql } from '../../src/store/postgres-store.ts';
import { BACKENDS, SQLITE, storeFile, type Backend, type StoreFile } from './sqlite-file.ts';

/**
 * How many transactions the write-ahead log holds: SQLite marks the last frame of each committed
 * transaction with the database size after it (every other frame has 0 there). Frames from before
 * the log was last restarted carry old salts and are not counted.
 */
function commitsInLog(url: string): number {
  const log = `${sqliteFileOf(url)}-wal`;
  if (!existsSync(log)) return 0;
  const bytes = readFileSync(log);
  if (bytes.length < 32) return 0;
  const pageSize = bytes.readUInt32BE(8);
  const [salt1, salt2] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  let commits = 0;
  for (let frame = 32; frame + 24 + pageSize <= bytes.length; frame += 24 + pageSize) {
    if (bytes.readUInt32BE(frame + 8) !== salt1 || bytes.readUInt32BE(frame + 12) !== salt2) break;
    if (bytes.readUInt32BE(frame + 4) !== 0) commits += 1;
  }
  return commits;
}

/**
 * From now on, how many transactions wrote the rows still holding these (un-namespaced) keys. SQLite:
 * the commits in its log since now (any key). PostgreSQL: each row carries the transaction that wrote
 * it last (`xmin`), so rows from one transaction share it.
 */
async function watchCommits(backend: Backend, file: StoreFile): Promise<(keys: readonly string[]) => Promise<number>> {
  if (backend === SQLITE) {
    const before = commitsInLog(file.url);
    return async () => commitsInLog(file.url) - before;
  }
  return async (keys) => {
    const rows = await backend.query(file.store, `SELECT count(DISTINCT xmin::text) AS commits FROM ${backend.table(file.url)} WHERE key = ANY($1)`, [
      keys.map((key) => `hc:${key}`),
    ]);
    return Number(rows[0]?.commits);
  };
}

/** A group-commit writer of its own on the same database (its own connection), and how to close it. */
function ownWriter(backend: Backend, url: string): { writer: GroupCommitWriter; close(): Promise<void> } {
  if (backend === SQLITE) {
    const connection = new KeyvSqlite({ uri: url });
    return { writer: new GroupCommitWriter(connection.query, 'keyv'), close: () => connection.close() };
  }
  const pool = new pg.Pool({ connectionString: postgresTarget(url).connectionString });
  return { writer: new GroupCommitWriter(postgresWriterSql(pool), backend.table(url)), close: () => pool.end() };
}

const guildKey = (guild: number, name: string) => `guild:${guild}:${name}`;

describe.each(BACKENDS)('group commit on $name: writes that arrive together are committed together', (backend) => {
  it('GIVEN 50 writes for 10 guilds handed over at once WHEN each resolves THEN they were ONE transaction, and each is readable, also after the store is closed and reopened', async () => {
    const file = await storeFile(backend);
    const { store } = file;
    const commits = await watchCommits(backend, file);

    const writes = Array.from({ length: 50 }, (_, index) => ({
      key: guildKey(index % 10, `record-${index}`),
      value: { index, events: [{ kind: 'check-in', member: `m${index}` }] },
    }));
    const results = await Promise.all(writes.map(({ key, value }) => store.keyv.set(key, value)));

    expect(results.every((result) => result === true)).toBe(true);
    expect(await commits(writes.map(({ key }) => key))).toBe(1);
    for (const { key, value } of writes) expect(await store.keyv.get(key)).toEqual(value);

    const reopened = await file.reopen();
    for (const { key, value } of writes) expect(await reopened.store.keyv.get(key)).toEqual(value);
  });

  it('GIVEN a batch in which the database refuses one write WHEN it is committed THEN every write in it is rejected and none is kept, and the next write goes through', async () => {
    const file = await storeFile(backend);
    const { store } = file;
    await store.keyv.set(guildKey(1, 'kept-before'), 'old');
    await backend.refuseKeysContaining(store, backend.table(file.url), 'poison', 'poison refused');

    const batch = [
      store.keyv.set(guildKey(1, 'kept-before'), 'new'),
      store.keyv.set(guildKey(2, 'fresh'), 'fresh'),
      store.keyv.delete(guildKey(1, 'kept-before')),
      store.keyv.set(guildKey(3, 'poison'), 'refused'),
      store.keyv.set(guildKey(4, 'also-fresh'), 'fresh'),
    ];
    const settled = await Promise.allSettled(batch);

    expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(String((settled[0] as PromiseRejectedResult).reason)).toContain('poison refused');
    expect(await store.keyv.get(guildKey(1, 'kept-before'))).toBe('old');
    expect(await store.keyv.get(guildKey(2, 'fresh'))).toBeUndefined();
    expect(await store.keyv.get(guildKey(4, 'also-fresh'))).toBeUndefined();

    await expect(store.keyv.set(guildKey(2, 'fresh'), 'after')).resolves.toBe(true);
    expect(await store.keyv.get(guildKey(2, 'fresh'))).toBe('after');
  });

  it('GIVEN sets and deletes of the same keys handed over in one batch THEN each answers as if it ran alone, in the order handed over, and the last one wins', async () => {
    const file = await storeFile(backend);
    const { store } = file;
    await store.keyv.set(guildKey(1, 'present'), 'there');
    const commits = await watchCommits(backend, file);
    // The writer itself, on its own connection to the same database, so the order of hand-over is exact
    // (keyv hands a delete over at once and a set after serializing it).
    const own = ownWriter(backend, file.url);
    const key = (name: string) => `hc:${guildKey(1, name)}`;
    const stored = (value: string) => JSON.stringify({ value });

    const results = await Promise.all([
      own.writer.delete(key('present')),
      own.writer.delete(key('absent')),
      own.writer.set(key('churn'), stored('first')),
      own.writer.delete(key('churn')),
      own.writer.delete(key('present')),
      own.writer.set(key('present'), stored('back')),
      own.writer.delete(key('absent-then-set')),
      own.writer.set(key('absent-then-set'), stored('set')),
      own.writer.set(key('set-twice'), stored('first')),
      own.writer.set(key('set-twice'), stored('second')),
    ]);
    await own.writer.close();
    await own.close();

    expect(results).toEqual([true, false, true, true, false, true, false, true, true, true]);
    expect(await commits([guildKey(1, 'present'), guildKey(1, 'absent-then-set'), guildKey(1, 'set-twice')])).toBe(1);
    expect(await store.keyv.get(guildKey(1, 'present'))).toBe('back');
    expect(await store.keyv.get(guildKey(1, 'churn'))).toBeUndefined();
    expect(await store.keyv.get(guildKey(1, 'absent'))).toBeUndefined();
    expect(await store.keyv.get(guildKey(1, 'absent-then-set'))).toBe('set');
    expect(await store.keyv.get(guildKey(1, 'set-twice'))).toBe('second');
  });

  it('GIVEN more writes at once than one statement carries THEN all of them are kept, in one transaction', async () => {
    const file = await storeFile(backend);
    const commits = await watchCommits(backend, file);
    const keys = Array.from({ length: 1_234 }, (_, index) => guildKey(index % 200, `bulk-${index}`));
    await Promise.all(keys.map((key, index) => file.store.keyv.set(key, index)));
    expect(await commits(keys)).toBe(1);
    expect(await file.store.keyv.getMany(keys)).toEqual(keys.map((_, index) => index));
  });

  it("GIVEN a value written through the group commit THEN its row is exactly what keyv stores: the namespaced key and keyv's JSON envelope", async () => {
    const file = await storeFile(backend);
    const value = { text: 'Quotes " and \\ backslashes, émoji 🌱, a line\nbreak', list: [1, null, true] };
    await file.store.keyv.set(guildKey(7, 'format'), value);
    const rows = await backend.query(file.store, `SELECT key, value FROM ${backend.table(file.url)}`);
    expect(rows).toEqual([{ key: 'hc:guild:7:format', value: JSON.stringify({ value }) }]);
  });

  it('GIVEN writes handed over WHEN the store closes THEN they are committed first, and later writes are refused', async () => {
    const file = await storeFile(backend);
    const { store } = file;
    const writes = Array.from({ length: 20 }, (_, index) => store.keyv.set(guildKey(1, `closing-${index}`), index));
    await store.close();
    await expect(Promise.all(writes)).resolves.toEqual(writes.map(() => true));
    await expect(store.keyv.set(guildKey(1, 'too-late'), 1)).rejects.toThrow(/closed/);

    const reopened = await storeFile(backend, file.url);
    expect(await reopened.store.keyv.get(guildKey(1, 'closing-19'))).toBe(19);
  });

  it('GIVEN a process writing in batches WHEN it is killed mid-stream THEN every write it had acknowledged is in the database', async () => {
    const url = backend.newUrl();
    const child = fork(fileURLToPath(new URL('./group-commit-writer-process.ts', import.meta.url)), [url], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const acknowledged = new Map<string, unknown>();
    const exited = once(child, 'exit');
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => reject(new Error('the writer process ended before it was killed')));
      child.on('message', (message: { acknowledged?: string; value?: unknown }) => {
        if (message.acknowledged === undefined) return;
        acknowledged.set(message.acknowledged, message.value);
        // Killed while it goes on writing: some writes are in flight, none of them acknowledged yet.
        if (acknowledged.size === 500) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');

    const reopened = await storeFile(backend, url);
    const keys = [...acknowledged.keys()];
    expect(await reopened.store.keyv.getMany(keys)).toEqual([...acknowledged.values()]);
  });
});

describe('the SQLite log, copied into the database file in the background', () => {
  it('GIVEN writes committed THEN soon after the database file alone holds them, without waiting for the store to close', async () => {
    const file = await storeFile(SQLITE);
    const marker = `copied-${Date.now().toString(36)}`;
    await file.store.keyv.set(guildKey(1, 'note'), marker);
    const database = sqliteFileOf(file.url);
    // Committed to the write-ahead log beside the file; the copy into the file itself is the background's.
    await vi.waitFor(() => expect(readFileSync(database).includes(marker)).toBe(true), { timeout: 5_000, interval: 100 });
    expect(await file.store.keyv.get(guildKey(1, 'note'))).toBe(marker);
  });
});
