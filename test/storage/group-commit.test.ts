import { fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import KeyvSqlite from '@keyv/sqlite';
import { GroupCommitWriter, openStore, sqliteFileOf, type Store } from '../../src/store/sqlite-store.ts';

const opened: Store[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

function tempStoreUrl(): string {
  return `sqlite://${join(mkdtempSync(join(tmpdir(), 'hc-group-commit-')), 'circle.sqlite')}`;
}

async function open(url: string): Promise<Store> {
  const store = await openStore(url);
  opened.push(store);
  await store.ready();
  return store;
}

type Rows = Array<Record<string, unknown>>;
const sql = (store: Store, text: string, ...parameters: unknown[]) =>
  (store.keyv.store as { query(sql: string, ...p: unknown[]): Promise<Rows> }).query(text, ...parameters);

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

const guildKey = (guild: number, name: string) => `guild:${guild}:${name}`;

describe('group commit: writes that arrive together are committed together', () => {
  it('GIVEN 50 writes for 10 guilds handed over at once WHEN each resolves THEN they were ONE transaction, and each is readable, also after the file is closed and reopened', async () => {
    const url = tempStoreUrl();
    const store = await open(url);
    const before = commitsInLog(url);

    const writes = Array.from({ length: 50 }, (_, index) => ({
      key: guildKey(index % 10, `record-${index}`),
      value: { index, events: [{ kind: 'check-in', member: `m${index}` }] },
    }));
    const results = await Promise.all(writes.map(({ key, value }) => store.keyv.set(key, value)));

    expect(results.every((result) => result === true)).toBe(true);
    expect(commitsInLog(url) - before).toBe(1);
    for (const { key, value } of writes) expect(await store.keyv.get(key)).toEqual(value);

    await store.close();
    const reopened = await open(url);
    for (const { key, value } of writes) expect(await reopened.keyv.get(key)).toEqual(value);
  });

  it('GIVEN a batch in which the database refuses one write WHEN it is committed THEN every write in it is rejected and none is kept, and the next write goes through', async () => {
    const store = await open(tempStoreUrl());
    await store.keyv.set(guildKey(1, 'kept-before'), 'old');
    await sql(store, `CREATE TRIGGER refuse_poison BEFORE INSERT ON keyv WHEN NEW.key LIKE '%poison%' BEGIN SELECT RAISE(ABORT, 'poison refused'); END`);

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
    const url = tempStoreUrl();
    const store = await open(url);
    await store.keyv.set(guildKey(1, 'present'), 'there');
    const before = commitsInLog(url);
    // The writer itself, on its own connection to the same file, so the order of hand-over is exact
    // (keyv hands a delete over at once and a set after serializing it).
    const connection = new KeyvSqlite({ uri: url });
    const writer = new GroupCommitWriter(connection.query, 'keyv');
    const key = (name: string) => `hc:${guildKey(1, name)}`;
    const stored = (value: string) => JSON.stringify({ value });

    const results = await Promise.all([
      writer.delete(key('present')),
      writer.delete(key('absent')),
      writer.set(key('churn'), stored('first')),
      writer.delete(key('churn')),
      writer.delete(key('present')),
      writer.set(key('present'), stored('back')),
      writer.delete(key('absent-then-set')),
      writer.set(key('absent-then-set'), stored('set')),
      writer.set(key('set-twice'), stored('first')),
      writer.set(key('set-twice'), stored('second')),
    ]);
    await writer.close();
    await connection.close();

    expect(results).toEqual([true, false, true, true, false, true, false, true, true, true]);
    expect(commitsInLog(url) - before).toBe(1);
    expect(await store.keyv.get(guildKey(1, 'present'))).toBe('back');
    expect(await store.keyv.get(guildKey(1, 'churn'))).toBeUndefined();
    expect(await store.keyv.get(guildKey(1, 'absent'))).toBeUndefined();
    expect(await store.keyv.get(guildKey(1, 'absent-then-set'))).toBe('set');
    expect(await store.keyv.get(guildKey(1, 'set-twice'))).toBe('second');
  });

  it('GIVEN more writes at once than one statement carries THEN all of them are kept, in one transaction', async () => {
    const url = tempStoreUrl();
    const store = await open(url);
    const before = commitsInLog(url);
    const keys = Array.from({ length: 1_234 }, (_, index) => guildKey(index % 200, `bulk-${index}`));
    await Promise.all(keys.map((key, index) => store.keyv.set(key, index)));
    expect(commitsInLog(url) - before).toBe(1);
    expect(await store.keyv.getMany(keys)).toEqual(keys.map((_, index) => index));
  });

  it("GIVEN a value written through the group commit THEN its row is exactly what keyv stores: the namespaced key and keyv's JSON envelope", async () => {
    const store = await open(tempStoreUrl());
    const value = { text: 'Quotes " and \\ backslashes, émoji 🌱, a line\nbreak', list: [1, null, true] };
    await store.keyv.set(guildKey(7, 'format'), value);
    const rows = await sql(store, 'SELECT key, value FROM keyv');
    expect(rows).toEqual([{ key: 'hc:guild:7:format', value: JSON.stringify({ value }) }]);
  });

  it('GIVEN writes handed over WHEN the store closes THEN they are committed first, and later writes are refused', async () => {
    const url = tempStoreUrl();
    const store = await open(url);
    const writes = Array.from({ length: 20 }, (_, index) => store.keyv.set(guildKey(1, `closing-${index}`), index));
    await store.close();
    await expect(Promise.all(writes)).resolves.toEqual(writes.map(() => true));
    await expect(store.keyv.set(guildKey(1, 'too-late'), 1)).rejects.toThrow(/closed/);

    const reopened = await open(url);
    expect(await reopened.keyv.get(guildKey(1, 'closing-19'))).toBe(19);
  });

  it('GIVEN a process writing in batches WHEN it is killed mid-stream THEN every write it had acknowledged is in the file', async () => {
    const url = tempStoreUrl();
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

    const reopened = await open(url);
    const keys = [...acknowledged.keys()];
    expect(await reopened.keyv.getMany(keys)).toEqual([...acknowledged.values()]);
  });
});
