import { describe, expect, it } from 'vitest';
import { loadMeetingFormats } from '../../src/config/meeting-formats.ts';
import { applyCircleSettingsChange } from '../../src/domain/circle/circle-settings.ts';
import { newMeetingRecord, withAction, withRating, type MeetingRecord } from '../../src/domain/meetings/meeting-record.ts';
import { startMeeting } from '../../src/domain/meetings/meeting-state.ts';
import type { HelpRequest } from '../../src/domain/requests/help-request.ts';
import type { CrisisAlert } from '../../src/domain/safety/crisis-alert.ts';
import type { WeeklySchedule } from '../../src/domain/schedules/schedule.ts';
import { NO_TASKS, type MemberTasks } from '../../src/domain/tasks/practical-task.ts';
import { circleSettingsRepository } from '../../src/store/circle-settings-repository.ts';
import { crisisAlertStore } from '../../src/store/crisis-alert-store.ts';
import { GuildIndex } from '../../src/store/guild-index.ts';
import { GuildWriteQueue } from '../../src/store/guild-write-queue.ts';
import { HelpRequestStore } from '../../src/store/help-request-store.ts';
import { DEFAULT_PREFS, MemberPrefsStore, type MemberPrefs } from '../../src/store/member-prefs-store.ts';
import { MeetingStore, type ChairVolunteer, type EarlierMeetingPost } from '../../src/store/meeting-store.ts';
import { ReflectionStore } from '../../src/store/reflection-store.ts';
import { ScheduleStore, type ScheduleEntry } from '../../src/store/schedule-store.ts';
import { TaskStore } from '../../src/store/task-store.ts';
import { BACKENDS, inRun, storeFile, type StoreFile } from './sqlite-file.ts';

const [GUILD, OTHER_GUILD, ASKER, GIVER] = ['g1', 'g2', '100000000000000001', '100000000000000002'];
const AT = '2026-11-26T12:00:00.000Z';
/** Words a member wrote: they must never reach a report. */
const WORDS = 'I cannot sleep since the move';

/** A report names the key and the checks that failed, and never carries what the record held. */
function expectReported(file: StoreFile, key: string, outcome: string, issue: string): void {
  expect(file.reports).toContainEqual({ key, outcome, issues: expect.arrayContaining([issue]) });
  expect(JSON.stringify(file.reports)).not.toContain(WORDS);
}

describe.each(BACKENDS)('circle settings, on $name', (backend) => {
  const actor = { userId: ASKER, at: new Date(AT) };
  const setUp =
    (guildId: string, repository = circleSettingsRepository) =>
    (file: StoreFile) =>
      repository(file.store, new GuildWriteQueue()).update(guildId, (current) =>
        applyCircleSettingsChange(current, { circleChannelId: `c-${guildId}`, crisisResources: WORDS }, actor),
      );

  it('GIVEN settings saved WHEN the file is reopened THEN they read back the same, stored with their version', async () => {
    const file = await storeFile(backend);
    const saved = await setUp(GUILD)(file);
    const reopened = await file.reopen();
    expect(await circleSettingsRepository(reopened.store, new GuildWriteQueue()).get(GUILD)).toEqual(saved.ok && saved.value);
    expect(await reopened.raw(`guild:${GUILD}:circle-settings`)).toMatchObject({ v: 2, circleChannelId: `c-${GUILD}` });
  });

  it('GIVEN settings missing a field WHEN read THEN they read as not set up, the key and path are reported, and other guilds still read', async () => {
    const file = await storeFile(backend);
    await setUp(OTHER_GUILD)(file);
    await file.put(`guild:${GUILD}:circle-settings`, { v: 2, timezone: 'UTC', crisisResources: WORDS });
    const reopened = await file.reopen();
    const repository = circleSettingsRepository(reopened.store, new GuildWriteQueue());
    expect(await repository.get(GUILD)).toBeUndefined();
    expectReported(reopened, `guild:${GUILD}:circle-settings`, 'read-as-absent', 'circleChannelId: invalid_type');
    expect((await repository.get(OTHER_GUILD))?.circleChannelId).toBe(`c-${OTHER_GUILD}`);
  });

  it('GIVEN settings whose text is not JSON WHEN read THEN they read as not set up and a new set-up replaces them', async () => {
    const file = await storeFile(backend);
    await file.putText(`guild:${GUILD}:circle-settings`, `{"value":{"v":2,"circleChannelId":"c1","crisisResources":"${WORDS}`);
    const repository = circleSettingsRepository(file.store, new GuildWriteQueue());
    expect(await repository.get(GUILD)).toBeUndefined();
    expectReported(file, `guild:${GUILD}:circle-settings`, 'read-as-absent', '(root): not_json');
    expect((await setUp(GUILD, () => repository)(file)).ok).toBe(true);
    expect((await circleSettingsRepository((await file.reopen()).store, new GuildWriteQueue()).get(GUILD))?.circleChannelId).toBe(`c-${GUILD}`);
  });

  it('GIVEN settings of a version this release does not know WHEN read THEN they read as not set up and the version is reported', async () => {
    const file = await storeFile(backend);
    await file.put(`guild:${GUILD}:circle-settings`, { v: 9, circleChannelId: 'c1' });
    expect(await circleSettingsRepository(file.store, new GuildWriteQueue()).get(GUILD)).toBeUndefined();
    expectReported(file, `guild:${GUILD}:circle-settings`, 'read-as-absent', 'v: unknown_version');
  });
});

describe.each(BACKENDS)('crisis alerts, on $name', (backend) => {
  const alert = (id: string): CrisisAlert => ({
    id,
    source: 'public-post',
    memberId: ASKER,
    anonymous: false,
    what: 'request',
    link: 'https://discord.com/channels/g1/c1/m1',
    terms: ['suicide'],
    raisedAt: AT,
    channelId: null,
    messageId: null,
    takenBy: null,
    takenAt: null,
    followUp: 'none',
    followUpMessageId: null,
    redacted: false,
  });

  it('GIVEN alerts saved WHEN the file is reopened THEN they read back the same', async () => {
    const file = await storeFile(backend);
    await crisisAlertStore(file.store, new GuildWriteQueue()).update(GUILD, () => ({ ok: true, value: [alert('a1'), alert('a2')] }));
    const reopened = await file.reopen();
    expect(await crisisAlertStore(reopened.store, new GuildWriteQueue()).get(GUILD)).toEqual([alert('a1'), alert('a2')]);
  });

  it('GIVEN one alert of the wrong type WHEN the alerts are read THEN it is left out and reported, and the others stay', async () => {
    const file = await storeFile(backend);
    await file.put(`guild:${GUILD}:crisis-alerts`, [alert('a1'), { ...alert('a2'), raisedAt: 17, what: WORDS }, alert('a3')]);
    expect((await crisisAlertStore(file.store, new GuildWriteQueue()).get(GUILD))?.map((a) => a.id)).toEqual(['a1', 'a3']);
    expectReported(file, `guild:${GUILD}:crisis-alerts`, 'items-left-out', '1.raisedAt: invalid_type');
  });
});

describe.each(BACKENDS)('help requests, on $name', (backend) => {
  const request = (id: string, status: 'open' | 'closed' = 'open'): HelpRequest => ({
    id,
    askerId: ASKER,
    topic: WORDS,
    anonymous: true,
    status,
    openedAt: AT,
    closedAt: status === 'closed' ? AT : null,
    channelId: 'c1',
    messageId: 'm1',
    threadId: 't1',
    offers: [{ id: 'o1', giverId: GIVER, message: 'I can call you tonight', at: AT, confirmed: true, messageId: 'm2' }],
    additions: [{ id: 'a1', at: AT, messageId: 'm3' }],
  });

  it('GIVEN requests saved WHEN the file is reopened THEN each request, the open ones and the ids read back the same', async () => {
    const file = await storeFile(backend);
    const requests = new HelpRequestStore(file.store);
    for (const saved of [request('r1'), request('r2', 'closed')]) {
      await inRun(GUILD, (tx) => requests.put(tx, saved));
      await inRun(GUILD, (tx) => requests.remember(tx, saved.id));
    }
    const reopened = new HelpRequestStore((await file.reopen()).store);
    expect(await reopened.get(GUILD, 'r1')).toEqual(request('r1'));
    expect(await reopened.get(GUILD, 'r2')).toEqual(request('r2', 'closed'));
    expect(await reopened.open(GUILD)).toEqual([{ id: 'r1', askerId: ASKER, topic: WORDS, openedAt: AT }]);
    expect(await reopened.allIds(GUILD)).toEqual(['r1', 'r2']);
  });

  it('GIVEN a request stored before additions existed WHEN read THEN it reads without them', async () => {
    const file = await storeFile(backend);
    const { additions: _, ...older } = request('r1');
    await file.put(`guild:${GUILD}:request:r1`, older);
    expect(await new HelpRequestStore(file.store).get(GUILD, 'r1')).toEqual(older);
    expect(file.reports).toEqual([]);
  });

  it('GIVEN a request whose offers are of the wrong type WHEN read THEN it reads as absent and is reported without its words', async () => {
    const file = await storeFile(backend);
    const requests = new HelpRequestStore(file.store);
    await inRun(GUILD, (tx) => requests.put(tx, request('r2')));
    await file.put(`guild:${GUILD}:request:r1`, { ...request('r1'), offers: WORDS });
    expect(await requests.get(GUILD, 'r1')).toBeUndefined();
    expectReported(file, `guild:${GUILD}:request:r1`, 'read-as-absent', 'offers: invalid_type');
    expect((await requests.get(GUILD, 'r2'))?.topic).toBe(WORDS);
  });

  it('GIVEN an open-requests index with an entry missing its asker WHEN read THEN that entry is left out and the others stay', async () => {
    const file = await storeFile(backend);
    const entry = (id: string) => ({ id, askerId: ASKER, topic: WORDS, openedAt: AT });
    await file.put(`guild:${GUILD}:open-requests`, [entry('r1'), { id: 'r2', topic: WORDS, openedAt: AT }, entry('r3')]);
    expect((await new HelpRequestStore(file.store).open(GUILD)).map((e) => e.id)).toEqual(['r1', 'r3']);
    expectReported(file, `guild:${GUILD}:open-requests`, 'items-left-out', '1.askerId: invalid_type');
  });

  it('GIVEN request ids stored as something other than a list WHEN read THEN there are none, and remembering a request starts a new list', async () => {
    const file = await storeFile(backend);
    await file.put(`guild:${GUILD}:request-ids`, { r1: true });
    const requests = new HelpRequestStore(file.store);
    expect(await requests.allIds(GUILD)).toEqual([]);
    expectReported(file, `guild:${GUILD}:request-ids`, 'read-as-absent', '(root): invalid_type');
    await inRun(GUILD, (tx) => requests.remember(tx, 'r2'));
    expect(await requests.allIds(GUILD)).toEqual(['r2']);
  });
});

describe.each(BACKENDS)('meetings, on $name', (backend) => {
  const format = loadMeetingFormats().get('short')!;
  const record = (): MeetingRecord => {
    const state = startMeeting({ id: 'meet-1', format, now: new Date(AT), chairId: ASKER });
    let meeting = newMeetingRecord({ state, guildId: GUILD, channelId: 'c1', startedBy: ASKER, suggestedChairId: GIVER });
    meeting = withAction(meeting, GIVER, 'check-in');
    meeting = withRating(meeting, { memberId: GIVER, score: 4, comment: WORDS });
    return { ...meeting, openingMessageId: 'm1', threadId: 't1', roundMessages: { '0': 'm2' }, liveRounds: [0], pendingNotes: ['moved on'] };
  };
  const volunteer = (memberId: string): ChairVolunteer => ({ memberId, optedIn: true, lastChairedAt: null, updatedAt: AT });
  const post = (messageId: string): EarlierMeetingPost => ({ memberId: ASKER, channelId: 't0', messageId, action: 'delete', meetingId: 'meet-0', at: AT });

  it('GIVEN a meeting, a rotation and earlier posts saved WHEN the file is reopened THEN they read back the same', async () => {
    const file = await storeFile(backend);
    const meetings = new MeetingStore(file.store);
    await inRun(GUILD, (tx) => meetings.put(tx, record()));
    await inRun(GUILD, (tx) => meetings.putChairVolunteers(tx, [volunteer(ASKER), volunteer(GIVER)]));
    await inRun(GUILD, (tx) => meetings.putEarlierPosts(tx, [post('p1')]));
    const reopened = new MeetingStore((await file.reopen()).store);
    expect(await reopened.get(GUILD)).toEqual(record());
    expect(await reopened.chairVolunteers(GUILD)).toEqual([volunteer(ASKER), volunteer(GIVER)]);
    expect(await reopened.earlierPosts(GUILD)).toEqual([post('p1')]);
    expect(await reopened.unfinished()).toEqual([GUILD]);
  });

  it('GIVEN a meeting record with a status this release does not know WHEN read THEN there is no meeting and it is reported', async () => {
    const file = await storeFile(backend);
    const stored = record();
    await file.put(`guild:${GUILD}:meeting`, { v: 1, ...stored, state: { ...stored.state, status: 'sleeping' } });
    expect(await new MeetingStore(file.store).get(GUILD)).toBeUndefined();
    expectReported(file, `guild:${GUILD}:meeting`, 'read-as-absent', 'state.status: invalid_value');
  });

  it('GIVEN a rotation entry missing whether they opted in WHEN read THEN it is left out and the others stay', async () => {
    const file = await storeFile(backend);
    await file.put(`guild:${GUILD}:chair-volunteers`, [volunteer(ASKER), { memberId: GIVER, lastChairedAt: null }]);
    expect(await new MeetingStore(file.store).chairVolunteers(GUILD)).toEqual([volunteer(ASKER)]);
    expectReported(file, `guild:${GUILD}:chair-volunteers`, 'items-left-out', '1.optedIn: invalid_type');
  });
});

describe.each(BACKENDS)('schedules, on $name', (backend) => {
  const schedule = (id: string): WeeklySchedule => ({
    id,
    name: 'Tuesday circle',
    weekday: 'tue',
    time: '19:00',
    timezone: 'Europe/Berlin',
    durationMinutes: 60,
    reminderMinutes: 30,
    format: 'grow',
    skipDates: ['2026-12-22'],
    createdAt: AT,
  });
  const entry = (id: string): ScheduleEntry => ({
    schedule: schedule(id),
    lastFiredKey: '2026-11-24',
    lastRemindedKey: null,
    event: { id: 'e1', key: '2026-12-01', status: 'scheduled' },
  });

  it('GIVEN schedules and notices saved WHEN the file is reopened THEN they read back the same, one guild at a time or all at once', async () => {
    const file = await storeFile(backend);
    const schedules = new ScheduleStore(file.store);
    await inRun(GUILD, (tx) => schedules.put(tx, [entry('s1'), entry('s2')]));
    await inRun(GUILD, (tx) => schedules.putWarned(tx, ['missing-permission']));
    const reopened = (await file.reopen()).store;
    expect(await new ScheduleStore(reopened).list(GUILD)).toEqual([entry('s1'), entry('s2')]);
    const loaded = new ScheduleStore(reopened);
    await loaded.loadAll(await loaded.guildIds());
    expect(await loaded.list(GUILD)).toEqual([entry('s1'), entry('s2')]);
    expect(await loaded.warned(GUILD)).toEqual(['missing-permission']);
  });

  it('GIVEN a schedule on a weekday that does not exist WHEN read THEN it is left out and reported, and the others stay', async () => {
    const file = await storeFile(backend);
    await file.put(`guild:${GUILD}:schedules`, [entry('s1'), { ...entry('s2'), schedule: { ...schedule('s2'), weekday: 'someday' } }]);
    expect((await new ScheduleStore(file.store).list(GUILD)).map((e) => e.schedule.id)).toEqual(['s1']);
    expectReported(file, `guild:${GUILD}:schedules`, 'items-left-out', '1.schedule.weekday: invalid_value');
  });

  it('GIVEN one guild whose schedules are not JSON WHEN start-up loads every guild THEN that guild has none and the others load', async () => {
    const file = await storeFile(backend);
    const schedules = new ScheduleStore(file.store);
    await inRun(GUILD, (tx) => schedules.put(tx, [entry('s1')]));
    await inRun(OTHER_GUILD, (tx) => schedules.put(tx, [entry('s2')]));
    await file.putText(`guild:${GUILD}:schedules`, '[{"schedule":');
    const loaded = new ScheduleStore(file.store);
    await loaded.loadAll([GUILD, OTHER_GUILD]);
    expect(await loaded.list(GUILD)).toEqual([]);
    expect(await loaded.list(OTHER_GUILD)).toEqual([entry('s2')]);
    expectReported(file, `guild:${GUILD}:schedules`, 'read-as-absent', '(root): not_json');
  });
});

describe.each(BACKENDS)('practical tasks, on $name', (backend) => {
  const task = (id: string, outcome: 'done' | null = null) => ({
    id,
    memberId: ASKER,
    text: WORDS,
    committedAt: AT,
    meetingId: null,
    outcome,
    note: outcome ? 'went well' : null,
    reportedAt: outcome ? AT : null,
  });
  const tasks: MemberTasks = { current: task('t2'), history: [task('t1', 'done')] };

  it("GIVEN a member's tasks saved WHEN the file is reopened THEN they read back the same, and the member is listed", async () => {
    const file = await storeFile(backend);
    await inRun(GUILD, (tx) => new TaskStore(file.store).put(tx, ASKER, tasks));
    const reopened = new TaskStore((await file.reopen()).store);
    expect(await reopened.get(GUILD, ASKER)).toEqual(tasks);
    expect(await reopened.memberIds(GUILD)).toEqual([ASKER]);
  });

  it("GIVEN a member's tasks with an outcome this release does not know WHEN read THEN they read as no tasks and are reported", async () => {
    const file = await storeFile(backend);
    await file.put(`guild:${GUILD}:member:${ASKER}:tasks`, { v: 1, current: { ...task('t2'), outcome: 'maybe' }, history: [] });
    expect(await new TaskStore(file.store).get(GUILD, ASKER)).toEqual(NO_TASKS);
    expectReported(file, `guild:${GUILD}:member:${ASKER}:tasks`, 'read-as-absent', 'current.outcome: invalid_value');
  });

  it('GIVEN a list of members with tasks holding a number WHEN read THEN the number is left out and the members stay', async () => {
    const file = await storeFile(backend);
    await file.put(`guild:${GUILD}:task-members`, [ASKER, 42, GIVER]);
    expect(await new TaskStore(file.store).memberIds(GUILD)).toEqual([ASKER, GIVER]);
    expectReported(file, `guild:${GUILD}:task-members`, 'items-left-out', '1: invalid_type');
  });
});

describe.each(BACKENDS)('member preferences, on $name', (backend) => {
  const prefs: MemberPrefs = { recordingPaused: true, helpingPromptsOffUntil: AT, lastRestInviteAt: null };

  it("GIVEN a member's choices saved WHEN the file is reopened THEN they read back the same", async () => {
    const file = await storeFile(backend);
    await inRun(GUILD, (tx) => new MemberPrefsStore(file.store).put(tx, ASKER, prefs));
    const reopened = new MemberPrefsStore((await file.reopen()).store);
    expect(await reopened.get(GUILD, ASKER)).toEqual(prefs);
    expect(await reopened.stored(GUILD, ASKER)).toEqual(prefs);
  });

  it("GIVEN a member's choices with a field missing WHEN read THEN they read as the defaults, nothing stored, and are reported", async () => {
    const file = await storeFile(backend);
    await file.put(`guild:${GUILD}:member:${ASKER}:prefs`, { v: 1, recordingPaused: true });
    const store = new MemberPrefsStore(file.store);
    expect(await store.get(GUILD, ASKER)).toEqual(DEFAULT_PREFS);
    expect(await store.stored(GUILD, ASKER)).toBeUndefined();
    expectReported(file, `guild:${GUILD}:member:${ASKER}:prefs`, 'read-as-absent', 'helpingPromptsOffUntil: invalid_type');
  });

  it('GIVEN a restart WHEN members of a guild are read, one who paused recording among many who never chose THEN each reads their own choices, and a later change or removal reads back', async () => {
    const file = await storeFile(backend);
    const paused: MemberPrefs = { recordingPaused: true, helpingPromptsOffUntil: null, lastRestInviteAt: null };
    await inRun(GUILD, (tx) => new MemberPrefsStore(file.store).put(tx, GIVER, paused));
    // Another guild's member with the same id, and this member's tasks beside their choices.
    await inRun(OTHER_GUILD, (tx) => new MemberPrefsStore(file.store).put(tx, ASKER, paused));
    await file.put(`guild:${GUILD}:member:${GIVER}:tasks`, { v: 1, current: null, history: [] });
    const store = new MemberPrefsStore((await file.reopen()).store);

    const members = ['100000000000000010', '100000000000000011', GIVER, ASKER];
    const read = await Promise.all(members.map((member) => store.get(GUILD, member)));
    expect(read).toEqual([DEFAULT_PREFS, DEFAULT_PREFS, paused, DEFAULT_PREFS]);
    expect(await store.get(OTHER_GUILD, ASKER)).toEqual(paused);

    await inRun(GUILD, (tx) => store.put(tx, ASKER, paused));
    await inRun(GUILD, (tx) => store.remove(tx, GIVER));
    expect(await store.get(GUILD, ASKER)).toEqual(paused);
    expect(await store.get(GUILD, GIVER)).toEqual(DEFAULT_PREFS);
  });
});

describe.each(BACKENDS)('reflections, on $name', (backend) => {
  it('GIVEN the last reflection posted WHEN the file is reopened THEN its week reads back the same', async () => {
    const file = await storeFile(backend);
    await inRun(GUILD, (tx) => new ReflectionStore(file.store).setLastPostedKey(tx, '2026-11-29'));
    expect(await new ReflectionStore((await file.reopen()).store).lastPostedKey(GUILD)).toBe('2026-11-29');
  });

  it('GIVEN a last reflection stored as a number WHEN read THEN none is known and it is reported', async () => {
    const file = await storeFile(backend);
    await file.put(`guild:${GUILD}:reflection-last`, 20261129);
    expect(await new ReflectionStore(file.store).lastPostedKey(GUILD)).toBeNull();
    expectReported(file, `guild:${GUILD}:reflection-last`, 'read-as-absent', '(root): invalid_type');
  });
});

describe.each(BACKENDS)('guild indexes, on $name', (backend) => {
  it('GIVEN guilds added and one removed WHEN the file is reopened THEN the index lists the others', async () => {
    const file = await storeFile(backend);
    const index = new GuildIndex(file.store, 'help-guilds');
    await index.add(GUILD);
    await index.add(OTHER_GUILD);
    await index.add('g3');
    await index.remove(OTHER_GUILD);
    expect((await new GuildIndex((await file.reopen()).store, 'help-guilds').all()).sort()).toEqual([GUILD, 'g3']);
  });

  it('GIVEN an index listed by an earlier release holding an empty id WHEN read THEN it is left out and reported, and adding a guild keeps the others', async () => {
    const file = await storeFile(backend);
    await file.put('help-guilds', [GUILD, '', OTHER_GUILD]);
    const index = new GuildIndex(file.store, 'help-guilds');
    expect((await index.all()).sort()).toEqual([GUILD, OTHER_GUILD]);
    expectReported(file, 'help-guilds', 'items-left-out', '1: too_small');
    await index.add('g3');
    expect(await file.keysStartingWith('index:help-guilds:')).toEqual([
      `index:help-guilds:${GUILD}`,
      `index:help-guilds:${OTHER_GUILD}`,
      'index:help-guilds:g3',
    ]);
  });
});
