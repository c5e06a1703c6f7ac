import { describe, expect, it } from 'vitest';
import { servicesOver } from './services-over.ts';
import { BACKENDS, storeFile } from './sqlite-file.ts';

const [GUILD, ORGANIZER] = ['g1', '100000000000000001'];

describe.each(BACKENDS)('schedules after a failed commit, on $name', (backend) => {
  it("GIVEN a meeting's reminder claimed WHEN the claim's commit fails after a tick saw it THEN the next tick still finds the reminder due", async () => {
    const file = await storeFile(backend);
    const { store } = file;
    // Tuesday 1 December 2026, 18:30 in London: the reminder of the 19:00 meeting is due.
    let now = new Date('2026-12-01T18:30:00.000Z');
    const { circle, schedules } = servicesOver(store, { now: () => now });
    await circle.setup(GUILD, ORGANIZER, { circleChannelId: 'c1', timezone: 'Europe/London' });
    const added = await schedules.add(GUILD, { name: 'Tuesday circle', weekday: 'tue', time: '19:00', reminderMinutes: 30, format: 'short' });
    if (!added.ok) throw new Error(added.error.kind);
    const scheduleId = added.value.entry.schedule.id;
    expect((await schedules.dueActions()).map((action) => action.kind)).toEqual(['remind']);

    await backend.refuseKeysContaining(store, backend.table(file.url), 'schedules', 'refused by the database');
    const release = await backend.holdWrites(file.url);
    const claiming = expect(schedules.claimReminder(GUILD, scheduleId, added.value.next.toISOString().slice(0, 10))).rejects.toThrow('refused by the database');
    // A tick while the claim is being committed sees it claimed, and nothing else due before 19:00.
    await expect.poll(() => schedules.dueActions()).toEqual([]);
    now = new Date('2026-12-01T18:31:00.000Z');
    await release();
    await claiming;

    expect((await schedules.dueActions()).map((action) => action.kind)).toEqual(['remind']);
  });
});
