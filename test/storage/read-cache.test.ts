import { describe, expect, it } from 'vitest';
import { ok } from '../../src/domain/result.ts';
import { GuildDocument } from '../../src/store/guild-document.ts';
import { GuildWriteQueue } from '../../src/store/guild-write-queue.ts';
import { readThrough } from '../../src/store/read-cache.ts';
import { z } from 'zod';
import { SQLITE, storeFile } from './sqlite-file.ts';

/** A read the test answers when it chooses: what a slow query looks like to its caller. */
function slowRead<T>() {
  let answer!: (value: T) => void;
  const read = new Promise<T>((resolve) => (answer = resolve));
  return { read: () => read, answer };
}

describe("a store's cache filled by a read", () => {
  it('GIVEN a read under way WHEN a write caches a newer value before it returns THEN the newer value stays, and is what the read answers', async () => {
    const { store } = await storeFile(SQLITE);
    const cache = new Map<string, number>();
    const slow = slowRead<number>();
    const reading = readThrough(store, cache, 'k', slow.read);
    cache.set('k', 2);
    slow.answer(1);
    expect(await reading).toBe(2);
    expect(cache.get('k')).toBe(2);
  });

  it('GIVEN a read under way WHEN a commit fails before it returns THEN what it read is not kept', async () => {
    const file = await storeFile(SQLITE);
    await SQLITE.refuseKeysContaining(file.store, 'keyv', 'refused', 'refused by the database');
    const cache = new Map<string, number>();
    const slow = slowRead<number>();
    const reading = readThrough(file.store, cache, 'k', slow.read);
    const failing = new GuildDocument(file.store, new GuildWriteQueue(), 'refused', z.number()).update('g1', () => ok(1));
    await expect(failing).rejects.toThrow('refused by the database');
    slow.answer(1);
    expect(await reading).toBe(1);
    expect(cache.has('k')).toBe(false);
  });
});
