import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { LedgerEvent } from '../../src/domain/help/ledger-events.ts';
import { ok } from '../../src/domain/result.ts';
import { EarlierWriteFailed } from '../../src/store/group-commit.ts';
import { GuildDocument } from '../../src/store/guild-document.ts';
import { GuildWriteQueue } from '../../src/store/guild-write-queue.ts';
import { LedgerStore } from '../../src/store/ledger-store.ts';
import { MemberPrefsStore } from '../../src/store/member-prefs-store.ts';
import { isStoreUnavailable } from '../../src/store/store-unavailable.ts';
import { BACKENDS, storeFile } from './sqlite-file.ts';

const GUILD = 'g-pipelined';
const MEMBER = '100000000000000042';
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
    // Each run read the one before it, still uncommitted; so does any reader, cached or not.
    await vi.waitFor(() => expect(ran).toBe(20));
    expect(heard).toBe(0);
    expect(await file.store.keyv.get(`guild:${GUILD}:count`)).toBe(20);
    expect(await file.store.keysStartingWith(`guild:${GUILD}:`)).toEqual([`guild:${GUILD}:count`]);
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

  it('GIVEN a run whose write fails while its task is still at work THEN its caller is told, and the failure is reported once, not also as an unhandled rejection', async () => {
    const file = await storeFile(backend);
    await backend.refuseKeysContaining(file.store, backend.table(file.url), 'refused', 'refused by the database');
    const queue = new GuildWriteQueue();
    const refused = new GuildDocument(file.store, queue, 'refused', counter);
    const run = queue.run(GUILD, async (tx) => {
      await refused.updateInRun(tx, () => ok(1));
      // Still at work when the commit fails.
      await vi.waitFor(() => expect(file.store.rollbacks).toBe(1));
    });
    await expect(run).rejects.toThrow('refused by the database');
  });

  it('GIVEN a member who paused recording WHEN their deletion is refused because an earlier write failed THEN their pause still holds', async () => {
    const file = await storeFile(backend);
    await backend.refuseKeysContaining(file.store, backend.table(file.url), 'refused', 'refused by the database');
    const queue = new GuildWriteQueue();
    const prefs = new MemberPrefsStore(file.store);
    const paused = { recordingPaused: true, helpingPromptsOffUntil: null, lastRestInviteAt: null };
    await queue.run(GUILD, (tx) => prefs.put(tx, MEMBER, paused));
    const refused = new GuildDocument(file.store, queue, 'refused', counter);
    const failing = refused.update(GUILD, () => ok(1));
    // Began before the failure, and hands its deletion over after it: refused.
    const deletion = queue.run(GUILD, async (tx) => {
      await vi.waitFor(() => expect(file.store.rollbacks).toBe(1));
      return prefs.remove(tx, MEMBER);
    });
    await expect(failing).rejects.toThrow('refused by the database');
    await expect(deletion).rejects.toThrow(EarlierWriteFailed);
    expect((await prefs.get(GUILD, MEMBER)).recordingPaused).toBe(true);
  });

  it('GIVEN a write refused because an earlier one failed THEN the member is asked to try again, not given an error code', async () => {
    const file = await storeFile(backend);
    await backend.refuseKeysContaining(file.store, backend.table(file.url), 'refused', 'refused by the database');
    const queue = new GuildWriteQueue();
    const failing = new GuildDocument(file.store, queue, 'refused', counter).update(GUILD, () => ok(1));
    const later = queue.run(GUILD, async (tx) => {
      await vi.waitFor(() => expect(file.store.rollbacks).toBe(1));
      return new GuildDocument(file.store, queue, 'other', counter).updateInRun(tx, () => ok(2));
    });
    await expect(failing).rejects.toThrow();
    const error = await later.catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(EarlierWriteFailed);
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it('GIVEN the week of help being read for the first time while a member acts THEN the week counts the action, on that read or the next', async () => {
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
