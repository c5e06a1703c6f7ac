import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { LedgerEvent } from '../../src/domain/help/ledger-events.ts';
import { ok } from '../../src/domain/result.ts';
import { GuildDocument } from '../../src/store/guild-document.ts';
import { GuildWriteQueue } from '../../src/store/guild-write-queue.ts';
import { LedgerStore } from '../../src/store/ledger-store.ts';
import { BACKENDS, storeFile } from './sqlite-file.ts';

const GUILD = 'g-pipelined';
const counter = z.number().int();

describe.each(BACKENDS)('runs of one guild pipelined over the group commit on $name', (backend) => {
  it('GIVEN twenty members acting at once while a commit is held THEN every run goes ahead on the one before, and nobody hears back before all is stored', async () => {
    const file = await storeFile(backend);
    const queue = new GuildWriteQueue();
    const count = new GuildDocument(file.store, queue, 'count', counter);
    const release = await backend.holdWrites(file.url);
    let ran = 0;
    let heard = 0;
    const actions = Array.from({ length: 20 }, () =>
      count
        .update(GUILD, (current) => {
          ran += 1;
          return ok((current ?? 0) + 1);
        })
        .then((result) => {
          heard += 1;
          return result;
        }),
    );
    // Each run read the one before it, still uncommitted.
    await vi.waitFor(() => expect(ran).toBe(20));
    expect(heard).toBe(0);
    await release();
    const results = await Promise.all(actions);
    expect(results.map((result) => result.ok && result.value)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    expect(await file.raw(`guild:${GUILD}:count`)).toBe(20);
  });

  it('GIVEN a write the database refuses WHEN later runs of the guild read it before it failed THEN they fail too, nothing of theirs is kept, and the next run starts from what is stored', async () => {
    const file = await storeFile(backend);
    await backend.refuseKeysContaining(file.store, backend.table(file.url), 'refused', 'refused by the database');
    const queue = new GuildWriteQueue();
    const refused = new GuildDocument(file.store, queue, 'refused', counter);
    const copy = new GuildDocument(file.store, queue, 'copy', counter);
    const release = await backend.holdWrites(file.url);

    const first = refused.update(GUILD, () => ok(7));
    // Reads the refused value while it is pending and builds on it, in the same or a later transaction.
    const second = queue.run(GUILD, async (tx) => {
      await new Promise((resolve) => setImmediate(resolve));
      const seen = (await refused.get(GUILD)) ?? 0;
      return copy.updateInRun(tx, () => ok(seen + 1));
    });
    const readOnly = queue.run(GUILD, async () => refused.get(GUILD));
    await vi.waitFor(() => expect(queue.pending).toBe(3));
    await release();

    await expect(first).rejects.toThrow('refused by the database');
    await expect(second).rejects.toThrow();
    await expect(readOnly).rejects.toThrow();
    expect(await refused.get(GUILD)).toBeUndefined();
    expect(await copy.get(GUILD)).toBeUndefined();
    const again = await copy.update(GUILD, (current) => ok((current ?? 0) + 1));
    expect(again.ok && again.value).toBe(1);
    const reopened = await file.reopen();
    expect(await reopened.raw(`guild:${GUILD}:copy`)).toBe(1);
    expect(await reopened.raw(`guild:${GUILD}:refused`)).toBeUndefined();
  });

  it('GIVEN a record being read for the first time WHEN a write replaces it before the read returns THEN the write is what stays in memory', async () => {
    const file = await storeFile(backend);
    const queue = new GuildWriteQueue();
    const settings = new GuildDocument(file.store, queue, 'settings', counter);
    await file.put(`guild:${GUILD}:settings`, 1);
    const reading = settings.get(GUILD);
    const writing = settings.update(GUILD, () => ok(2));
    await Promise.all([reading, writing]);
    expect(await settings.get(GUILD)).toBe(2);
  });

  it('GIVEN the week of help being read for the first time WHEN a member acts before the read returns THEN the week counts the action', async () => {
    const file = await storeFile(backend);
    const queue = new GuildWriteQueue();
    const ledger = new LedgerStore(file.store);
    const at = '2026-12-05T12:00:00.000Z';
    const event: LedgerEvent = { id: 'e1', at, kind: 'request-opened', requestId: 'r1', memberId: 'm1', anonymous: false };
    const reading = ledger.windowTallies(GUILD, ['2026-12-05']);
    await queue.run(GUILD, (tx) => ledger.append(tx, [event], 'UTC'));
    await reading;
    expect((await ledger.windowTallies(GUILD, ['2026-12-05'])).get('m1')?.requests).toBe(1);
  });
});
