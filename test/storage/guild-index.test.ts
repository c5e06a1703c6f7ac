import { describe, expect, it } from 'vitest';
import { GuildIndex } from '../../src/store/guild-index.ts';
import { BACKENDS, storeFile } from './sqlite-file.ts';

/** Guild ids as Discord gives them; which process serves which does not matter to the index. */
const guildIds = (from: number, count: number) => Array.from({ length: count }, (_, index) => String(100_000_000_000_000_000n + BigInt(from + index)));
const sorted = (ids: readonly string[]) => [...ids].sort();

describe.each(BACKENDS)('guild indexes shared by several processes, on $name', (backend) => {
  it('GIVEN two processes on one database WHEN each adds its own guilds at the same time THEN every guild of both is listed', async () => {
    // Two connections to the same database, each with its own index and cache, as two bot processes have.
    const first = await storeFile(backend);
    const second = await storeFile(backend, first.url);
    const [mine, theirs] = [new GuildIndex(first.store, 'schedule-guilds'), new GuildIndex(second.store, 'schedule-guilds')];
    // Both read the (empty) index before either writes: each would rewrite a shared list without the other's guilds.
    expect(await mine.all()).toEqual([]);
    expect(await theirs.all()).toEqual([]);
    const [ours, others] = [guildIds(0, 20), guildIds(20, 20)];
    await Promise.all([...ours.map((id) => mine.add(id)), ...others.map((id) => theirs.add(id))]);
    const restarted = new GuildIndex((await first.reopen()).store, 'schedule-guilds');
    expect(sorted(await restarted.all())).toEqual(sorted([...ours, ...others]));
  });

  it('GIVEN two processes on one database WHEN one removes its guild while the other adds one THEN the removed guild is gone and the added one listed', async () => {
    const first = await storeFile(backend);
    const second = await storeFile(backend, first.url);
    const [kept, removed, added] = guildIds(0, 3);
    const mine = new GuildIndex(first.store, 'meeting-guilds');
    await mine.add(kept!);
    await mine.add(removed!);
    const theirs = new GuildIndex(second.store, 'meeting-guilds');
    expect(sorted(await theirs.all())).toEqual(sorted([kept!, removed!]));
    await Promise.all([mine.remove(removed!), theirs.add(added!)]);
    expect(sorted(await new GuildIndex((await first.reopen()).store, 'meeting-guilds').all())).toEqual(sorted([kept!, added!]));
  });

  it('GIVEN an index stored as one list by an earlier release WHEN the bot starts THEN every listed guild is still listed and the old list is gone', async () => {
    const file = await storeFile(backend);
    const listed = guildIds(0, 5);
    await file.put('circle-guilds', listed);
    expect(sorted(await new GuildIndex(file.store, 'circle-guilds').all())).toEqual(sorted(listed));
    expect(await file.raw('circle-guilds')).toBeUndefined();
    const reopened = await file.reopen();
    expect(await reopened.keysStartingWith('index:circle-guilds:')).toEqual(sorted(listed).map((id) => `index:circle-guilds:${id}`));
    expect(sorted(await new GuildIndex(reopened.store, 'circle-guilds').all())).toEqual(sorted(listed));
  });

  it('GIVEN an index stored as one list by an earlier release WHEN two processes start at the same time and each adds a guild THEN both list every guild', async () => {
    const first = await storeFile(backend);
    const second = await storeFile(backend, first.url);
    const listed = guildIds(0, 50);
    await first.put('help-guilds', listed);
    const [mine, theirs] = [new GuildIndex(first.store, 'help-guilds'), new GuildIndex(second.store, 'help-guilds')];
    const [read, readThere] = await Promise.all([mine.all(), theirs.all()]);
    expect(sorted(read)).toEqual(sorted(listed));
    expect(sorted(readThere)).toEqual(sorted(listed));
    const [ours, others] = guildIds(50, 2);
    await Promise.all([mine.add(ours!), theirs.add(others!)]);
    expect(sorted(await new GuildIndex((await first.reopen()).store, 'help-guilds').all())).toEqual(sorted([...listed, ours!, others!]));
  });

  it('GIVEN a guild added and removed in a row WHEN the index is read after a restart THEN the guild is not listed', async () => {
    const file = await storeFile(backend);
    const [guild] = guildIds(0, 1);
    const index = new GuildIndex(file.store, 'crisis-alert-guilds');
    await Promise.all([index.add(guild!), index.remove(guild!), index.add(guild!), index.remove(guild!)]);
    expect(await index.all()).toEqual([]);
    expect(await new GuildIndex((await file.reopen()).store, 'crisis-alert-guilds').all()).toEqual([]);
  });
});
