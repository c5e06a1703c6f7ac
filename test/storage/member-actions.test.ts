import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MeetingStore } from '../../src/store/meeting-store.ts';
import { servicesOver } from './services-over.ts';
import { openStore, type Store } from '../../src/store/sqlite-store.ts';

const opened: Store[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

const [GUILD, CHAIR, MEMBER] = ['g1', '100000000000000001', '100000000000000002'];

/** The services a member action composes, over a real SQLite file, as src/app.ts wires them. */
async function world(options: { inCheckInRound?: boolean } = {}) {
  const store = await openStore(`sqlite://${join(mkdtempSync(join(tmpdir(), 'hc-actions-')), 'circle.sqlite')}`);
  opened.push(store);
  const { circle, help, meetings, actions, requests } = servicesOver(store);
  await circle.setup(GUILD, CHAIR, { circleChannelId: 'c1' });
  const started = await meetings.start(GUILD, CHAIR, 'short');
  if (!started.ok) throw new Error(started.error.kind);
  // The check-in round of the short format is its first, the needs round its second.
  const checkIns = { meetingId: started.value.record.state.id, roundIndex: 0 };
  if (!options.inCheckInRound) await meetings.steer(GUILD, { kind: 'next' });
  const needs = { meetingId: started.value.record.state.id, roundIndex: 1 };
  return { store, help, meetings, actions, needs, checkIns, requests };
}

describe('one member action, one run', () => {
  it('GIVEN a member submits a need as the chair moves on THEN the need is raised whole: request, link to the meeting and attendance', async () => {
    const w = await world();
    const [raised] = await Promise.all([w.actions.raiseNeed(GUILD, w.needs, MEMBER, 'Sleeping badly', false), w.meetings.steer(GUILD, { kind: 'next' })]);
    expect(raised.ok).toBe(true);
    if (!raised.ok) return;
    const record = await w.meetings.current(GUILD);
    expect(record?.requestIds).toEqual([raised.value.request.id]);
    expect(record?.attendees).toEqual([MEMBER]);
    expect(await w.help.request(GUILD, raised.value.request.id)).toMatchObject({ topic: 'Sleeping badly' });
  });

  it('GIVEN the chair moved on first THEN the late need is refused whole: no request, no link, no attendance', async () => {
    const w = await world();
    const [, raised] = await Promise.all([w.meetings.steer(GUILD, { kind: 'next' }), w.actions.raiseNeed(GUILD, w.needs, MEMBER, 'Sleeping badly', false)]);
    expect(raised).toEqual({ ok: false, error: { kind: 'round-ended' } });
    const record = await w.meetings.current(GUILD);
    expect(record?.requestIds).toEqual([]);
    expect(record?.attendees).toEqual([]);
    expect(await w.requests.open(GUILD)).toEqual([]);
  });

  it('GIVEN a need whose post Discord refused WHEN it is withdrawn THEN the meeting no longer counts it', async () => {
    const w = await world();
    const raised = await w.actions.raiseNeed(GUILD, w.needs, MEMBER, 'Sleeping badly', true);
    if (!raised.ok) throw new Error(raised.error.kind);
    await w.actions.withdrawNeed(GUILD, w.needs.meetingId, raised.value.request.id);
    expect((await w.meetings.current(GUILD))?.requestIds).toEqual([]);
    expect(await w.help.request(GUILD, raised.value.request.id)).toBeUndefined();
  });

  it('GIVEN a running meeting WHEN a member uses /ask THEN the request goes in the meeting thread and is linked to the meeting, in one step', async () => {
    const w = await world();
    await w.meetings.markPosted(GUILD, w.needs.meetingId, (record) => ({ ...record, threadId: 't1' }));
    const asked = await w.actions.ask(GUILD, MEMBER, 'Money worries', false);
    if (!asked.ok) throw new Error(asked.error.kind);
    expect(asked.value.request.channelId).toBe('t1');
    expect(asked.value.meetingId).toBe(w.needs.meetingId);
    expect((await w.meetings.current(GUILD))?.requestIds).toEqual([asked.value.request.id]);
  });

  it('GIVEN a member checks in with words THEN attendance and their pending post are stored together, and once posted only its id stays', async () => {
    const w = await world({ inCheckInRound: true });
    const checked = await w.actions.checkIn(GUILD, w.checkIns, MEMBER, '  A steady week  ');
    if (!checked.ok) throw new Error(checked.error.kind);
    const pending = checked.value.pending!;
    const stored = await w.meetings.current(GUILD);
    expect(stored?.attendees).toEqual([MEMBER]);
    expect(stored?.pendingCheckIns).toEqual([{ id: pending.id, memberId: MEMBER, words: 'A steady week' }]);
    await w.meetings.checkInPosted(GUILD, w.checkIns.meetingId, pending.id, MEMBER, '300000000000000001');
    await w.meetings.checkInPosted(GUILD, w.checkIns.meetingId, pending.id, MEMBER, '300000000000000001');
    const posted = await w.meetings.current(GUILD);
    expect(posted?.pendingCheckIns).toEqual([]);
    expect(posted?.sharedPosts).toEqual([{ memberId: MEMBER, messageId: '300000000000000001' }]);
  });

  it('GIVEN the check-in round has ended THEN a late check-in is refused whole: no attendance, nothing pending', async () => {
    const w = await world();
    const checked = await w.actions.checkIn(GUILD, w.checkIns, MEMBER, 'A steady week');
    expect(checked).toEqual({ ok: false, error: { kind: 'round-ended' } });
    const stored = await w.meetings.current(GUILD);
    expect(stored?.attendees).toEqual([]);
    expect(stored?.pendingCheckIns ?? []).toEqual([]);
  });

  it('GIVEN the database refuses the ledger event of a check-in THEN the attendance is not kept either (one transaction)', async () => {
    const w = await world({ inCheckInRound: true });
    // As a disk error would, but only for the ledger's records: the check-in's meeting write goes in the same transaction.
    const database = (w.store.keyv.opts as unknown as { store: { query(sql: string): Promise<unknown> } }).store;
    for (const when of ['INSERT', 'UPDATE']) {
      await database.query(
        `CREATE TRIGGER refuse_ledger_${when} BEFORE ${when} ON keyv WHEN NEW.key LIKE '%:ledger:%' BEGIN SELECT RAISE(ABORT, 'refused'); END`,
      );
    }
    await expect(w.actions.checkIn(GUILD, w.checkIns, MEMBER, '')).rejects.toThrow(/refused/);
    const stored = await new MeetingStore(w.store).get(GUILD);
    expect(stored?.attendees).toEqual([]);
  });

  it('GIVEN a member checks in without words THEN their attendance is stored and nothing is to be posted', async () => {
    const w = await world({ inCheckInRound: true });
    const checked = await w.actions.checkIn(GUILD, w.checkIns, MEMBER, '   ');
    expect(checked.ok && checked.value.pending).toBe(null);
    expect((await w.meetings.current(GUILD))?.attendees).toEqual([MEMBER]);
  });
});
