import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyCircleSettingsChange } from '../../src/domain/circle/circle-settings.ts';
import { err, ok } from '../../src/domain/result.ts';
import { circleSettingsRepository } from '../../src/store/circle-settings-repository.ts';
import { GuildDocument } from '../../src/store/guild-document.ts';
import { GuildWriteQueue } from '../../src/store/guild-write-queue.ts';
import { openStore, type Store } from '../../src/store/sqlite-store.ts';
import { z } from 'zod';
import { BACKENDS, POSTGRES, POSTGRES_URL, storeFile, testSchema } from './sqlite-file.ts';

const opened: Store[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

function tempStoreUrl(): string {
  return `sqlite://${join(mkdtempSync(join(tmpdir(), 'hc-store-')), 'nested', 'folder', 'circle.sqlite')}`;
}

async function open(url: string): Promise<Store> {
  const store = await openStore(url);
  opened.push(store);
  return store;
}

const actor = { userId: '100000000000000001', at: new Date('2026-11-26T12:00:00Z') };

describe('the SQLite store', () => {
  it('GIVEN a new file path THEN its folder is created and the journal is WAL', async () => {
    const store = await open(tempStoreUrl());
    const adapter = store.keyv.store as { query(sql: string): Promise<Array<{ journal_mode: string }>> };
    const [row] = await adapter.query('PRAGMA journal_mode');
    expect(row?.journal_mode).toBe('wal');
  });
});

describe('the PostgreSQL store', () => {
  it('GIVEN a schema in STORE_URL THEN the table is created in that schema, and another schema on the same database is another store', async () => {
    const [schema, other] = [testSchema(), testSchema()];
    const first = (await storeFile(POSTGRES, `${POSTGRES_URL}?schema=${schema}`)).store;
    const second = (await storeFile(POSTGRES, `${POSTGRES_URL}?schema=${other}`)).store;
    await first.keyv.set('guild:g1:n', 1);
    expect(await second.keyv.get('guild:g1:n')).toBeUndefined();
    const rows = (await (first.keyv.store as { query(sql: string, values: unknown[]): Promise<unknown[]> }).query(
      'SELECT table_schema FROM information_schema.tables WHERE table_name = $1 AND table_schema = ANY($2) ORDER BY table_schema',
      ['keyv', [schema, other]],
    )) as Array<{ table_schema: string }>;
    expect(rows.map((row) => row.table_schema)).toEqual([schema, other].sort());
  });

  it('GIVEN a new schema THEN the prefix index is built; WHEN the store opens again while a write holds the table THEN it opens without waiting for it', async () => {
    const first = await storeFile(POSTGRES);
    const table = POSTGRES.table(first.url);
    const indexes = (await POSTGRES.query(first.store, 'SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2', [
      table.split('.')[0],
      'keyv',
    ])) as Array<{ indexname: string }>;
    expect(indexes.map((row) => row.indexname)).toContain('keyv_key_prefix');

    const release = await POSTGRES.holdWrites(first.url);
    let watching = true;
    try {
      // Building the index (even IF NOT EXISTS) would wait for the write to end: seen in pg_locks as a lock not granted.
      const waitedForTheTable = async () => {
        while (watching) {
          const waiting = (await POSTGRES.query(first.store, 'SELECT count(*)::int AS n FROM pg_locks WHERE relation = $1::regclass AND NOT granted', [
            table,
          ])) as Array<{ n: number }>;
          if (waiting[0]!.n > 0) return true;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return false;
      };
      const outcome = await Promise.race([storeFile(POSTGRES, first.url).then(() => 'opened'), waitedForTheTable().then(() => 'waited')]);
      expect(outcome).toBe('opened');
    } finally {
      watching = false;
      await release();
    }
  });
});

describe.each(BACKENDS)('the store on $name', (backend) => {
  const tempStoreUrl = () => backend.newUrl();

  it('GIVEN settings saved WHEN the store is closed and reopened THEN they are still there', async () => {
    const url = tempStoreUrl();
    const first = await open(url);
    const saved = await circleSettingsRepository(first, new GuildWriteQueue()).update('g1', (current) =>
      applyCircleSettingsChange(current, { circleChannelId: 'c1', timezone: 'Europe/London' }, actor),
    );
    expect(saved.ok).toBe(true);
    await first.close();

    const second = await open(url);
    const settings = await circleSettingsRepository(second, new GuildWriteQueue()).get('g1');
    expect(settings).toMatchObject({ circleChannelId: 'c1', timezone: 'Europe/London', reflectionDay: 'sun', reflectionTime: '18:00' });
  });

  it('GIVEN two guilds THEN each guild sees only its own settings', async () => {
    const store = await open(tempStoreUrl());
    const repository = circleSettingsRepository(store, new GuildWriteQueue());
    await repository.update('g1', (current) => applyCircleSettingsChange(current, { circleChannelId: 'c1' }, actor));
    await repository.update('g2', (current) => applyCircleSettingsChange(current, { circleChannelId: 'c2' }, actor));
    expect((await repository.get('g1'))?.circleChannelId).toBe('c1');
    expect((await repository.get('g2'))?.circleChannelId).toBe('c2');
    expect(await repository.get('g3')).toBeUndefined();
  });

  it('GIVEN 100 concurrent updates to one guild THEN none is lost', async () => {
    const store = await open(tempStoreUrl());
    const counter = new GuildDocument(store, new GuildWriteQueue(), 'counter', z.object({ count: z.number(), seen: z.array(z.number()) }));
    await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        counter.update('g1', (current) => ok({ count: (current?.count ?? 0) + 1, seen: [...(current?.seen ?? []), index] })),
      ),
    );
    const final = await counter.get('g1');
    expect(final?.count).toBe(100);
    expect(new Set(final?.seen).size).toBe(100);
  });

  it('GIVEN a rejected change THEN nothing is written and later updates still run', async () => {
    const store = await open(tempStoreUrl());
    const repository = circleSettingsRepository(store, new GuildWriteQueue());
    const refused = await repository.update('g1', (current) => applyCircleSettingsChange(current, { circleChannelId: 'c1', timezone: 'Mars/Olympus' }, actor));
    expect(refused).toEqual(err({ kind: 'unknown-timezone', input: 'Mars/Olympus' }));
    expect(await repository.get('g1')).toBeUndefined();
    const accepted = await repository.update('g1', (current) => applyCircleSettingsChange(current, { circleChannelId: 'c1' }, actor));
    expect(accepted.ok).toBe(true);
  });

  it('GIVEN a change that throws THEN the queue keeps serving the guild', async () => {
    const store = await open(tempStoreUrl());
    const doc = new GuildDocument(store, new GuildWriteQueue(), 'n', z.number());
    await expect(
      doc.update('g1', () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(doc.update('g1', () => ok(7))).resolves.toEqual(ok(7));
    expect(await doc.get('g1')).toBe(7);
  });

  it('GIVEN writes in flight WHEN the queue drains THEN they all finish and new writes are refused', async () => {
    const store = await open(tempStoreUrl());
    const queue = new GuildWriteQueue();
    const doc = new GuildDocument(store, queue, 'n', z.number());
    const writes = Array.from({ length: 20 }, () => doc.update('g1', (current) => ok((current ?? 0) + 1)));
    await queue.drain();
    expect(await doc.get('g1')).toBe(20);
    await Promise.all(writes);
    await expect(doc.update('g1', () => ok(0))).rejects.toThrow(/shutting down/);
  });
});
