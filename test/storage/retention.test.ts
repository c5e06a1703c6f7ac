import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCrisisWords, loadHelpRules } from '../../src/config/help-rules.ts';
import { loadMeetingFormats } from '../../src/config/meeting-formats.ts';
import { createLogger, MemoryLogSink } from '../../src/logging/logger.ts';
import { startRetentionPurge } from '../../src/scheduler/retention-purge.ts';
import { CircleService } from '../../src/services/circle-service.ts';
import { HelpService } from '../../src/services/help-service.ts';
import { MeetingService } from '../../src/services/meeting-service.ts';
import { PrivacyService } from '../../src/services/privacy-service.ts';
import { RetentionService } from '../../src/services/retention-service.ts';
import { SafetyService } from '../../src/services/safety-service.ts';
import { crisisAlertStore } from '../../src/store/crisis-alert-store.ts';
import { TaskService } from '../../src/services/task-service.ts';
import { circleSettingsRepository } from '../../src/store/circle-settings-repository.ts';
import { GuildWriteQueue } from '../../src/store/guild-write-queue.ts';
import { GuildIndex, helpGuildIndex } from '../../src/store/guild-index.ts';
import { HelpRequestStore } from '../../src/store/help-request-store.ts';
import { LedgerStore } from '../../src/store/ledger-store.ts';
import { MemberPrefsStore } from '../../src/store/member-prefs-store.ts';
import { openStore, type Store } from '../../src/store/sqlite-store.ts';
import { MeetingStore } from '../../src/store/meeting-store.ts';
import { TaskStore } from '../../src/store/task-store.ts';

const DAY = 86_400_000;
const opened: Store[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

const [GUILD, OTHER_GUILD, ASKER, GIVER] = ['g1', 'g2', '100000000000000001', '100000000000000002'];

/** The help services over a real SQLite file, with a clock the test moves. */
async function circle(url = `sqlite://${join(mkdtempSync(join(tmpdir(), 'hc-retention-')), 'circle.sqlite')}`) {
  const store = await openStore(url);
  opened.push(store);
  const clock = { now: new Date('2026-01-05T12:00:00Z') };
  const now = () => clock.now;
  const queue = new GuildWriteQueue();
  const circleSettings = circleSettingsRepository(store, queue);
  const circleService = new CircleService(circleSettings, now);
  const guilds = helpGuildIndex(store);
  const requests = new HelpRequestStore(store, guilds);
  const ledger = new LedgerStore(store, guilds);
  const prefs = new MemberPrefsStore(store);
  const tasks = new TaskStore(store, guilds);
  const rules = loadHelpRules();
  const help = new HelpService({ circle: circleService, requests, ledger, prefs, queue, rules, now });
  const meetingStore = new MeetingStore(store);
  const alerts = crisisAlertStore(store, queue);
  const alertGuilds = new GuildIndex(store, 'crisis-alert-guilds');
  const safety = new SafetyService({
    circle: circleService,
    alerts,
    guilds: alertGuilds,
    crisisWords: loadCrisisWords(),
    followUpMinutes: rules.crisisFollowUpMinutes,
    now,
  });
  const privacy = new PrivacyService({ requests, ledger, prefs, tasks, meetings: meetingStore, alerts, circleSettings, queue, rules, now });
  const retention = new RetentionService({
    helpGuilds: guilds,
    alertGuilds,
    circleSettings,
    requests,
    ledger,
    tasks,
    meetings: meetingStore,
    alerts,
    queue,
    rules,
    now,
  });
  const meetings = new MeetingService({
    circle: circleService,
    help,
    ledger,
    prefs,
    meetings: meetingStore,
    queue,
    formats: loadMeetingFormats(),
    defaultFormat: 'short',
    now,
  });
  const taskService = new TaskService({ circle: circleService, tasks, ledger, prefs, queue, now });
  for (const guildId of [GUILD, OTHER_GUILD]) {
    await circleService.setup(guildId, ASKER, { circleChannelId: 'c1', timezone: 'Europe/London' });
  }
  /** A request with an offer, closed at once: request-opened, offer-made, request-closed. */
  const helpedAndClosed = async (guildId: string, topic: string) => {
    const asked = await help.ask(guildId, ASKER, topic, false);
    if (!asked.ok) throw new Error(asked.error.kind);
    await help.offer(guildId, GIVER, asked.value.request.id, null);
    await help.close(guildId, ASKER, asked.value.request.id);
    return asked.value.request.id;
  };
  /** A short meeting started by ASKER, moved on to its last round (where members volunteer to chair). */
  const meetingInLastRound = async (guildId: string) => {
    const started = await meetings.start(guildId, ASKER, 'short');
    if (!started.ok) throw new Error(started.error.kind);
    for (let round = 0; round < 4; round += 1) await meetings.steer(guildId, { kind: 'next' });
    return (await meetings.current(guildId))!;
  };
  return {
    url,
    store,
    queue,
    alertGuilds,
    clock,
    circle: circleService,
    help,
    privacy,
    retention,
    safety,
    tasks: taskService,
    meetings,
    meetingInLastRound,
    ledger,
    requests,
    guilds,
    helpedAndClosed,
  };
}

describe('retention of the help ledger and closed requests', () => {
  it('GIVEN events older and newer than the retention period THEN the purge drops the old days and closed requests and keeps the rest', async () => {
    const c = await circle();
    const oldRequest = await c.helpedAndClosed(GUILD, 'Long ago');
    c.clock.now = new Date(c.clock.now.getTime() + 100 * DAY);
    const newRequest = await c.helpedAndClosed(GUILD, 'Recently');
    const stillOpen = await c.help.ask(GUILD, ASKER, 'Open for a long time', false);
    c.clock.now = new Date(c.clock.now.getTime() + 100 * DAY);

    // 200 days after the first request: it is past the 180-day retention, the second is not.
    const outcome = await c.retention.purgeExpired(c.clock.now);
    expect(outcome).toMatchObject({ days: 1, ledgerEvents: 3, requests: 1 });

    const exported = await c.privacy.export(GUILD, ASKER);
    expect(exported.requests.map((request) => request.topic)).toEqual(['Recently', 'Open for a long time']);
    expect(new Set(exported.ledgerEvents.map((event) => ('requestId' in event ? event.requestId : null)))).toEqual(
      new Set([newRequest, stillOpen.ok && stillOpen.value.request.id]),
    );
    expect(await c.requests.get(GUILD, oldRequest)).toBeUndefined();
    expect(await c.requests.allIds(GUILD)).not.toContain(oldRequest);
  });

  it('GIVEN practical tasks last touched before and after the retention period THEN the purge forgets only the old ones', async () => {
    const c = await circle();
    await c.tasks.set(GUILD, ASKER, 'Long ago', null);
    await c.tasks.set(GUILD, GIVER, 'Committed long ago', null);
    c.clock.now = new Date(c.clock.now.getTime() + 100 * DAY);
    await c.tasks.report(GUILD, GIVER, 'partly', 'Reported later');
    await c.tasks.set(GUILD, ASKER, 'Recently', null);
    c.clock.now = new Date(c.clock.now.getTime() + 100 * DAY);

    expect(await c.retention.purgeExpired(c.clock.now)).toMatchObject({ tasks: 1 });
    expect((await c.privacy.export(GUILD, ASKER)).tasks.map((task) => task.text)).toEqual(['Recently']);
    // A report is a sign of life: the giver's task was reported on 100 days ago, so it stays.
    expect((await c.privacy.export(GUILD, GIVER)).tasks.map((task) => task.text)).toEqual(['Committed long ago']);
  });

  it('GIVEN events exactly inside the retention period THEN nothing is purged', async () => {
    const c = await circle();
    await c.helpedAndClosed(GUILD, 'Not yet');
    c.clock.now = new Date(c.clock.now.getTime() + 179 * DAY);
    expect(await c.retention.purgeExpired(c.clock.now)).toMatchObject({ days: 0, ledgerEvents: 0, requests: 0 });
    expect((await c.privacy.export(GUILD, ASKER)).ledgerEvents).toHaveLength(3);
  });

  it('GIVEN two guilds with help data THEN the index knows both, survives a reopen, and the purge visits each', async () => {
    const c = await circle();
    await c.helpedAndClosed(GUILD, 'In the first');
    await c.helpedAndClosed(OTHER_GUILD, 'In the second');
    await c.store.close();

    const reopened = await circle(c.url);
    expect((await reopened.guilds.all()).sort()).toEqual([GUILD, OTHER_GUILD]);
    reopened.clock.now = new Date(reopened.clock.now.getTime() + 200 * DAY);
    expect(await reopened.retention.purgeExpired(reopened.clock.now)).toEqual({
      guilds: 2,
      days: 2,
      ledgerEvents: 6,
      requests: 2,
      tasks: 0,
      meetings: 0,
      chairVolunteers: 0,
      meetingPosts: 0,
      crisisAlerts: 0,
    });
  });

  it('GIVEN many guilds writing at once THEN the index records every one', async () => {
    const c = await circle();
    await c.helpedAndClosed(GUILD, 'One');
    await c.helpedAndClosed(OTHER_GUILD, 'Two');
    const ids = Array.from({ length: 40 }, (_, i) => `guild-${i}`);
    await Promise.all(ids.map((id) => c.guilds.add(id)));
    expect((await c.guilds.all()).sort()).toEqual([GUILD, OTHER_GUILD, ...ids].sort());
    expect((await helpGuildIndex(c.store).all()).sort()).toEqual([GUILD, OTHER_GUILD, ...ids].sort());
  });

  it('GIVEN a meeting that ended longer ago than the retention period THEN the purge forgets its record, read back from the SQLite file', async () => {
    const c = await circle();
    await c.meetingInLastRound(GUILD);
    await c.meetings.steer(GUILD, { kind: 'end' });
    await c.meetingInLastRound(OTHER_GUILD);
    c.clock.now = new Date(c.clock.now.getTime() + 100 * DAY);
    await c.meetings.steer(OTHER_GUILD, { kind: 'end' });
    c.clock.now = new Date(c.clock.now.getTime() + 90 * DAY);

    // 190 days after the first meeting ended, 90 after the second.
    expect(await c.retention.purgeExpired(c.clock.now)).toMatchObject({ meetings: 1 });
    await c.store.close();
    const reopened = await circle(c.url);
    expect(await reopened.meetings.current(GUILD)).toBeUndefined();
    expect(await reopened.meetings.current(OTHER_GUILD)).toBeDefined();
  });

  it('GIVEN a meeting still running, however old THEN the purge keeps its record', async () => {
    const c = await circle();
    await c.meetingInLastRound(GUILD);
    c.clock.now = new Date(c.clock.now.getTime() + 400 * DAY);
    // The clock has run far past the rounds' deadlines, but no tick ended it: it is not over.
    expect(await c.retention.purgeExpired(c.clock.now)).toMatchObject({ meetings: 0 });
    expect(await c.meetings.current(GUILD)).toBeDefined();
  });

  it('GIVEN two chair volunteers, one of whom chose again recently THEN the purge takes only the other off the rotation', async () => {
    const c = await circle();
    const first = await c.meetingInLastRound(GUILD);
    await c.meetings.volunteerToChair(GUILD, first.state.id, 4, GIVER);
    await c.meetings.volunteerToChair(GUILD, first.state.id, 4, '100000000000000003');
    await c.meetings.steer(GUILD, { kind: 'end' });
    c.clock.now = new Date(c.clock.now.getTime() + 100 * DAY);
    const second = await c.meetingInLastRound(GUILD);
    // Stepping off and on again is a fresh choice.
    await c.meetings.volunteerToChair(GUILD, second.state.id, 4, '100000000000000003');
    await c.meetings.volunteerToChair(GUILD, second.state.id, 4, '100000000000000003');
    c.clock.now = new Date(c.clock.now.getTime() + 100 * DAY);

    expect(await c.retention.purgeExpired(c.clock.now)).toMatchObject({ chairVolunteers: 1 });
    await c.store.close();
    const reopened = await circle(c.url);
    expect((await new MeetingStore(reopened.store).chairVolunteers(GUILD)).map((volunteer) => volunteer.memberId)).toEqual(['100000000000000003']);
  });

  it('GIVEN a rotation entry stored before entries were dated THEN the purge dates it now and forgets it one retention period later', async () => {
    const c = await circle();
    await c.queue.run(GUILD, (tx) => new MeetingStore(c.store).putChairVolunteers(tx, [{ memberId: GIVER, optedIn: true, lastChairedAt: null }]));
    expect(await c.retention.purgeExpired(c.clock.now)).toMatchObject({ chairVolunteers: 0 });
    c.clock.now = new Date(c.clock.now.getTime() + 179 * DAY);
    expect(await c.retention.purgeExpired(c.clock.now)).toMatchObject({ chairVolunteers: 0 });
    c.clock.now = new Date(c.clock.now.getTime() + 2 * DAY);
    expect(await c.retention.purgeExpired(c.clock.now)).toMatchObject({ chairVolunteers: 1 });
    expect(await new MeetingStore(c.store).chairVolunteers(GUILD)).toEqual([]);
  });

  it("GIVEN a check-in post of a meeting since replaced by a new one THEN deletion can still find it until the purge forgets it with that meeting's retention", async () => {
    const c = await circle();
    const first = await c.meetingInLastRound(GUILD);
    await c.meetings.markPosted(GUILD, first.state.id, (record) => ({ ...record, threadId: '300000000000000001' }));
    await c.meetings.recordMemberPost(GUILD, first.state.id, GIVER, '200000000000000001');
    await c.meetings.steer(GUILD, { kind: 'end' });
    await c.meetingInLastRound(GUILD);
    expect((await c.privacy.export(GUILD, GIVER)).meetingPosts).toHaveLength(1);

    c.clock.now = new Date(c.clock.now.getTime() + 181 * DAY);
    expect(await c.retention.purgeExpired(c.clock.now)).toMatchObject({ meetingPosts: 1 });
    await c.store.close();
    const reopened = await circle(c.url);
    expect(await new MeetingStore(reopened.store).earlierPosts(GUILD)).toEqual([]);
  });

  it('GIVEN crisis alerts older than the retention period THEN the purge forgets them and keeps newer ones, in the file', async () => {
    const c = await circle();
    await c.safety.raise(GUILD, { source: 'check-in-request', memberId: ASKER, anonymous: false, what: 'crisis', link: null, terms: [] });
    c.clock.now = new Date(c.clock.now.getTime() + 100 * DAY);
    await c.safety.raise(GUILD, { source: 'check-in-request', memberId: GIVER, anonymous: false, what: 'crisis', link: null, terms: [] });
    c.clock.now = new Date(c.clock.now.getTime() + 100 * DAY);
    expect(await c.retention.purgeExpired(c.clock.now)).toMatchObject({ crisisAlerts: 1 });
    await c.store.close();
    const reopened = await circle(c.url);
    expect((await reopened.safety.alerts(GUILD)).map((alert) => alert.memberId)).toEqual([GIVER]);
  });

  it('GIVEN the last crisis alert of a guild is purged THEN the guild leaves the index of guilds with alerts, and a new alert brings it back', async () => {
    const c = await circle();
    await c.safety.raise(GUILD, { source: 'check-in-request', memberId: ASKER, anonymous: false, what: 'crisis', link: null, terms: [] });
    c.clock.now = new Date(c.clock.now.getTime() + 200 * DAY);
    expect(await c.retention.purgeExpired(c.clock.now)).toMatchObject({ crisisAlerts: 1 });
    expect(await c.alertGuilds.all()).toEqual([]);
    await c.safety.raise(GUILD, { source: 'check-in-request', memberId: ASKER, anonymous: false, what: 'crisis', link: null, terms: [] });
    expect(await c.alertGuilds.all()).toEqual([GUILD]);
  });

  it('GIVEN a member with requests, offers, a task, a crisis alert and the last change to the set-up WHEN they delete their data THEN it all goes in one run of the write queue', async () => {
    const c = await circle();
    await c.helpedAndClosed(GUILD, 'Mine');
    await c.tasks.set(GUILD, ASKER, 'A task', null);
    await c.safety.raise(GUILD, { source: 'check-in-request', memberId: ASKER, anonymous: false, what: 'crisis', link: null, terms: [] });
    const runs = vi.spyOn(c.queue, 'run');
    const outcome = await c.privacy.delete(GUILD, ASKER);
    expect(runs).toHaveBeenCalledTimes(1);
    expect(outcome.removed).toMatchObject({ requests: 1, tasks: 1, crisisAlerts: 1 });
    expect((await c.circle.settings(GUILD))?.updatedBy).toBe('removed');
  });

  it('GIVEN a member with a crisis alert WHEN they delete their data THEN the alert stays without their id, link or words, in the file', async () => {
    const c = await circle();
    await c.safety.raise(GUILD, {
      source: 'public-post',
      memberId: ASKER,
      anonymous: false,
      what: 'request',
      link: 'https://discord.com/channels/g1/c1/m1',
      terms: ['suicide'],
    });
    const outcome = await c.privacy.delete(GUILD, ASKER);
    expect(outcome.removed.crisisAlerts).toBe(1);
    await c.store.close();
    const reopened = await circle(c.url);
    expect(await reopened.safety.alerts(GUILD)).toMatchObject([{ memberId: null, link: null, terms: [], redacted: true, source: 'public-post' }]);
  });

  it('GIVEN the member who last changed the set-up WHEN they delete their data THEN the stored settings no longer name them', async () => {
    const c = await circle();
    const stored = async () => JSON.stringify(await c.store.keyv.get(`guild:${GUILD}:circle-settings`));
    expect(await stored()).toContain(ASKER);
    await c.privacy.delete(GUILD, ASKER);
    expect(await stored()).not.toContain(ASKER);
    expect((await c.circle.settings(GUILD))?.circleChannelId).toBe('c1');
  });

  it('GIVEN the purge job on a schedule THEN it purges when the schedule fires, and not after it is stopped', async () => {
    const c = await circle();
    await c.helpedAndClosed(GUILD, 'Old enough');
    c.clock.now = new Date(c.clock.now.getTime() + 200 * DAY);
    const logs = new MemoryLogSink();
    // Every second instead of daily, so the test sees it fire.
    const job = startRetentionPurge({
      retention: c.retention,
      logger: createLogger({ level: 'info', sink: logs }),
      now: () => c.clock.now,
      schedule: '* * * * * *',
    });
    try {
      // The ledger empties before the purge finishes its other parts and logs: wait for both.
      await vi.waitFor(
        async () => {
          expect(await c.ledger.days(GUILD)).toEqual([]);
          expect(logs.lines.join('')).toContain('expired help data purged');
        },
        { timeout: 5_000 },
      );
    } finally {
      await job.stop();
    }
    const runs = logs.lines.length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(logs.lines).toHaveLength(runs);
  });
});
