import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ok } from '../../src/domain/result.ts';
import { GuildDocument } from '../../src/store/guild-document.ts';
import { servicesOver } from './services-over.ts';
import { SQLITE, storeFile } from './sqlite-file.ts';

const [GUILD, ORGANIZER] = ['g1', '100000000000000001'];

describe('the weekly reflection after a failed commit', () => {
  it("GIVEN the run holding a week's slot fails because an earlier write of the circle failed THEN the slot is let go, and the next attempt posts the week", async () => {
    const file = await storeFile(SQLITE);
    // Set up on Wednesday 2 December 2026 at 18:00; the clock then a second past its 18:30 reflection slot in London.
    let now = new Date('2026-12-02T18:00:00.000Z');
    const services = servicesOver(file.store, { now: () => now });
    await services.circle.setup(GUILD, ORGANIZER, { circleChannelId: 'c1', timezone: 'Europe/London', reflectionDay: 'wed', reflectionTime: '18:30' });
    now = new Date('2026-12-02T18:30:01.000Z');
    const [due] = await services.reflections.due();
    if (!due) throw new Error('the slot should be due');
    const send = async (hold: () => Promise<boolean>) => ((await hold()) ? 'sent' : null);

    await SQLITE.refuseKeysContaining(file.store, 'keyv', 'refused', 'disk full');
    const release = await SQLITE.holdWrites(file.url);
    // A write of the circle whose commit is held, then fails: the run holding the slot begins meanwhile.
    const failing = new GuildDocument(file.store, services.queue, 'refused', z.number()).update(GUILD, () => ok(1));
    const first = services.reflections.postScheduled(GUILD, due.key, send);
    await release();
    await expect(failing).rejects.toThrow('disk full');
    expect(await first).toMatchObject({ kind: 'failed', attempt: 1 });

    now = new Date(now.getTime() + 2 * 60_000);
    expect(await services.reflections.postScheduled(GUILD, due.key, send)).toEqual({ kind: 'posted', value: 'sent' });
    expect(await services.reflections.due()).toEqual([]);
  });
});
