import { PermissionFlagsBits } from 'discord.js';
import { DateTime } from 'luxon';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { setUpCircle } from './help-flow.ts';
import { worldsClosedAfterEach, movableClock, type World, type WorldOptions } from './world.ts';

const openWorld = worldsClosedAfterEach();

async function readyWorld(options: WorldOptions = {}): Promise<World> {
  const world = await openWorld({ scheduleTickMs: 200, ...options });
  await setUpCircle(world, { 'moderator-role': world.moderatorRoleId, 'member-role': world.memberRoleId });
  return world;
}

async function schedule(w: World, subcommand: string, options: Record<string, string | number> = {}) {
  const handle = await w.sandbox.slashCommand({
    guildId: w.guildId,
    channelId: w.circleChannelId,
    userId: w.moderatorId,
    name: 'schedule',
    subcommand,
    options,
  });
  return handle.reply();
}

/** Weekday and HH:MM in London for an instant: what an organizer would type for it. */
function londonSlot(at: Date) {
  const local = DateTime.fromJSDate(at, { zone: 'Europe/London' });
  return { weekday: local.toFormat('ccc').toLowerCase(), time: local.toFormat('HH:mm') };
}

const openings = (w: World) => w.sandbox.messages(w.circleChannelId).filter((m) => m.content.includes('has started'));
const reminders = (w: World) => w.sandbox.messages(w.circleChannelId).filter((m) => m.content.includes('starts <t:'));

describe('/schedule add, list, skip and remove', () => {
  it('GIVEN a bad time and an unknown time zone THEN both are named, privately, and nothing is stored', async () => {
    const w = await readyWorld();
    const refused = await schedule(w, 'add', { name: 'Tuesday circle', weekday: 'tue', time: '25:00', timezone: 'Mars/Olympus' });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('"25:00" isn\'t a time I can read');
    expect(refused.content).toContain('"Mars/Olympus" isn\'t a time zone I know');
    expect((await schedule(w, 'list')).content).toContain('There are no schedules yet');
  });

  it('GIVEN a weekly schedule THEN the reply and the list give the next meeting as a Discord timestamp, and the Events tab has it', async () => {
    const w = await readyWorld();
    const added = await schedule(w, 'add', { name: 'Tuesday circle', weekday: 'tue', time: '19:00', duration: 90, reminder: 30 });
    expect(added.content).toMatch(
      /Scheduled: \*\*Tuesday circle\*\*, Tuesdays at 19:00 \(Europe\/London\), 90 minutes, grow format\. The next one is <t:(\d+):F>/,
    );
    const next = Number(/<t:(\d+):F>/.exec(added.content ?? '')![1]) * 1000;
    expect(DateTime.fromMillis(next, { zone: 'Europe/London' }).toFormat('ccc HH:mm')).toBe('Tue 19:00');
    expect((await schedule(w, 'list')).content).toContain(`Next: <t:${next / 1000}:F>`);
    await expect.poll(() => w.sandbox.scheduledEvents(w.guildId).length).toBe(1);
    const [event] = w.sandbox.scheduledEvents(w.guildId);
    expect(event).toMatchObject({ name: 'Tuesday circle', entity_type: 3, entity_metadata: { location: '#circle' } });
    expect(Date.parse(event.scheduled_start_time)).toBe(next);
  });

  it('GIVEN a holiday THEN skip moves the next meeting a week on, and a date that is no meeting is refused with the nearest ones', async () => {
    const w = await readyWorld();
    await schedule(w, 'add', { name: 'Tuesday circle', weekday: 'tue', time: '19:00' });
    const [entry] = await w.bot.services.schedules.entries(w.guildId);
    const nextKey = DateTime.fromJSDate((await w.bot.services.schedules.list(w.guildId))[0]!.next, { zone: 'Europe/London' }).toISODate()!;
    const wrongDay = DateTime.fromISO(nextKey).plus({ days: 1 }).toISODate()!;
    const refused = await schedule(w, 'skip', { schedule: entry!.schedule.id, date: wrongDay });
    expect(refused.content).toContain(`doesn't meet on ${wrongDay}. The nearest meetings are on ${nextKey} and`);
    const skipped = await schedule(w, 'skip', { schedule: entry!.schedule.id, date: nextKey });
    expect(skipped.content).toContain(`will not meet on ${nextKey}`);
    expect((await schedule(w, 'list')).content).toContain(`Skipped: ${nextKey}.`);
    const newNext = (await w.bot.services.schedules.list(w.guildId))[0]!.next;
    expect(DateTime.fromJSDate(newNext, { zone: 'Europe/London' }).toISODate()).toBe(DateTime.fromISO(nextKey).plus({ weeks: 1 }).toISODate());
  });

  it('GIVEN a schedule is removed THEN its event goes too', async () => {
    const w = await readyWorld();
    await schedule(w, 'add', { name: 'Tuesday circle', weekday: 'tue', time: '19:00' });
    await expect.poll(() => w.sandbox.scheduledEvents(w.guildId).length).toBe(1);
    const [entry] = await w.bot.services.schedules.entries(w.guildId);
    expect((await schedule(w, 'remove', { schedule: entry!.schedule.id })).content).toContain('Removed **Tuesday circle**');
    expect(w.sandbox.scheduledEvents(w.guildId)).toEqual([]);
    expect((await schedule(w, 'list')).content).toContain('There are no schedules yet');
  });
});

describe('meetings that start by themselves', () => {
  it('GIVEN a schedule for the coming minute THEN the reminder goes once, mentioning only the member role, and the meeting starts on time once', async () => {
    const clock = movableClock();
    const w = await readyWorld({ now: clock.now, meetingMinuteMs: 60_000 });
    const start = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000);
    await schedule(w, 'add', { name: 'Evening circle', ...londonSlot(start), reminder: 1, format: 'short', duration: 30 });

    clock.jumpTo(new Date(start.getTime() - 30_000));
    const reminder = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('starts <t:'));
    expect(reminder.content).toContain(`<@&${w.memberRoleId}> **Evening circle** starts <t:${start.getTime() / 1000}:F>`);
    expect(reminder.allowed_mentions).toMatchObject({ parse: [], roles: [w.memberRoleId] });
    expect(openings(w)).toHaveLength(0);

    clock.jumpTo(new Date(start.getTime() + 100));
    await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('has started'));
    const record = await w.bot.services.meetings.current(w.guildId);
    expect(Math.abs(Date.parse(record!.state.startedAt) - start.getTime())).toBeLessThan(2_000);
    await expect.poll(() => w.sandbox.scheduledEvents(w.guildId).find((event) => Date.parse(event.scheduled_start_time) === start.getTime())?.status).toBe(2);

    await sleep(1_000);
    expect(reminders(w)).toHaveLength(1);
    expect(openings(w)).toHaveLength(1);
    expect(w.sandbox.messages(record!.threadId!).filter((m) => m.content.includes('started a little late'))).toHaveLength(0);
  });

  it('GIVEN the bot restarts right after firing THEN the occurrence is not started again and no reminder is repeated', async () => {
    const clock = movableClock();
    const w = await readyWorld({ now: clock.now });
    const start = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000);
    await schedule(w, 'add', { name: 'Evening circle', ...londonSlot(start), reminder: 1, format: 'short', duration: 30 });
    clock.jumpTo(new Date(start.getTime() - 30_000));
    await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('starts <t:'));
    clock.jumpTo(new Date(start.getTime() + 100));
    await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('has started'));

    await w.restart();
    await w.restart();
    await sleep(1_000);
    expect(openings(w)).toHaveLength(1);
    expect(reminders(w)).toHaveLength(1);
  });

  it('GIVEN the bot was down at the start but the meeting time is not over THEN it starts late, once, and says so', async () => {
    const clock = movableClock();
    const w = await readyWorld({ now: clock.now });
    const start = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000);
    await schedule(w, 'add', { name: 'Evening circle', ...londonSlot(start), reminder: 0, format: 'short', duration: 30 });
    await w.restart(async () => clock.jumpTo(new Date(start.getTime() + 10 * 60_000)));
    await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('has started'));
    const record = await w.bot.services.meetings.current(w.guildId);
    await w.sandbox.waitForMessage(record!.threadId!, (m) => m.content.includes('started a little late'));
    await sleep(600);
    expect(openings(w)).toHaveLength(1);
  });

  it('GIVEN the bot was down for the whole meeting THEN it is not started, and the moderators are told once', async () => {
    const clock = movableClock();
    const w = await readyWorld({ now: clock.now });
    const start = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000);
    await schedule(w, 'add', { name: 'Evening circle', ...londonSlot(start), reminder: 0, format: 'short', duration: 30 });
    await w.restart(async () => clock.jumpTo(new Date(start.getTime() + 45 * 60_000)));
    const told = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('did not take place'));
    expect(told.content).toContain('**Evening circle** was due');
    await w.restart();
    await sleep(600);
    expect(w.sandbox.messages(w.modChannelId).filter((m) => m.content.includes('did not take place'))).toHaveLength(1);
    expect(openings(w)).toHaveLength(0);
  });

  it('GIVEN the bot lacks Manage Events THEN the schedule still works and the moderators are told once what it could not do', async () => {
    const w = await readyWorld();
    // A server whose admins took event rights away from everyone, the bot's own role included.
    w.sandbox.setMemberRoles(w.guildId, w.sandbox.botUser.id, []);
    w.sandbox.setRolePermissions(
      w.guildId,
      w.guildId,
      PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.UseApplicationCommands,
    );
    expect((await schedule(w, 'add', { name: 'One', weekday: 'tue', time: '19:00' })).content).toContain('Scheduled: **One**');
    expect((await schedule(w, 'add', { name: 'Two', weekday: 'wed', time: '19:00' })).content).toContain('Scheduled: **Two**');
    await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('Manage Events'));
    await sleep(400);
    expect(w.sandbox.messages(w.modChannelId).filter((m) => m.content.includes('Manage Events'))).toHaveLength(1);
    expect(w.sandbox.scheduledEvents(w.guildId)).toEqual([]);
  });
});

describe('never two meetings at once', () => {
  it('GIVEN a meeting is still running at a scheduled start THEN the scheduled one is skipped with a note, once', async () => {
    const clock = movableClock();
    const w = await readyWorld({ now: clock.now });
    const start = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000);
    await schedule(w, 'add', { name: 'Evening circle', ...londonSlot(start), reminder: 0, format: 'short', duration: 30 });
    const running = await w.sandbox.slashCommand({
      guildId: w.guildId,
      channelId: w.circleChannelId,
      userId: w.moderatorId,
      name: 'meeting',
      subcommand: 'start',
      options: {},
    });
    await running.reply();
    clock.jumpTo(new Date(start.getTime() + 100));
    await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('another meeting is still running'));
    await sleep(600);
    expect(openings(w)).toHaveLength(1);
    expect(w.sandbox.messages(w.circleChannelId).filter((m) => m.content.includes('another meeting is still running'))).toHaveLength(1);
  });
});

describe('the Events tab follows the meetings', () => {
  it("GIVEN a scheduled meeting ends THEN its event is completed and next week's is there", async () => {
    const clock = movableClock();
    const w = await readyWorld({ now: clock.now });
    const start = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000);
    await schedule(w, 'add', { name: 'Evening circle', ...londonSlot(start), reminder: 0, format: 'short', duration: 30 });
    clock.jumpTo(new Date(start.getTime() + 100));
    await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('has started'));
    const eventOf = (at: Date) => w.sandbox.scheduledEvents(w.guildId).find((event) => Date.parse(event.scheduled_start_time) === at.getTime());
    await expect.poll(() => eventOf(start)?.status).toBe(2);

    const end = await w.sandbox.slashCommand({ guildId: w.guildId, channelId: w.circleChannelId, userId: w.moderatorId, name: 'meeting', subcommand: 'end' });
    await end.reply();
    await expect.poll(() => eventOf(start)?.status).toBe(3);
    const nextWeek = DateTime.fromJSDate(start).setZone('Europe/London').plus({ weeks: 1 }).toJSDate();
    await expect.poll(() => eventOf(nextWeek)?.status).toBe(1);
  });
});
