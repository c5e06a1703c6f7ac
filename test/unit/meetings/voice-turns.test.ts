import { describe, expect, it } from 'vitest';
import { loadMeetingFormats } from '../../../src/config/meeting-formats.ts';
import { namesMember, newMeetingRecord, summarize, withAction, withoutMember, type MeetingRecord } from '../../../src/domain/meetings/meeting-record.ts';
import { end, startMeeting } from '../../../src/domain/meetings/meeting-state.ts';
import { withPresence, withRoster, withTurnPress, withTurnsStarted, withVoiceClosed, withVoiceSettled } from '../../../src/domain/meetings/voice-turns.ts';
import { speakingOrderMessage } from '../../../src/discord/turn-posts.ts';
import { turnPressed } from '../../../src/discord/turn-views.ts';

const t0 = Date.parse('2026-06-01T18:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000);
const ATTEND_MS = 5 * 60_000;
const IN = { inVoice: true, handRaised: false };
const OUT = { inVoice: false, handRaised: false };

function voiceMeeting(): MeetingRecord {
  const state = startMeeting({ id: 'm1', format: loadMeetingFormats().get('short')!, now: at(0), chairId: 'chair' });
  return { ...newMeetingRecord({ state, guildId: 'g', channelId: 'c', startedBy: 'chair' }), voiceChannelId: 'v', meetingNumber: 0 };
}

describe('attendance from presence in voice', () => {
  it('GIVEN a member in voice for the attendance minutes WHEN the time is counted THEN they took part and no running total is kept', () => {
    let record = withPresence(voiceMeeting(), 'ana', IN, at(0), ATTEND_MS);
    record = withVoiceSettled(record, at(5), ATTEND_MS);
    expect(record.attendees).toEqual(['ana']);
    expect(record.voicePresence).toEqual([]);
  });

  it('GIVEN a member in voice in two short stretches that add up WHEN the second ends THEN they took part', () => {
    let record = withPresence(voiceMeeting(), 'ana', IN, at(0), ATTEND_MS);
    record = withPresence(record, 'ana', OUT, at(3), ATTEND_MS);
    expect(record.attendees).toEqual([]);
    record = withPresence(record, 'ana', IN, at(10), ATTEND_MS);
    record = withPresence(record, 'ana', OUT, at(12), ATTEND_MS);
    expect(record.attendees).toEqual(['ana']);
  });

  it('GIVEN a member who looked in briefly WHEN the meeting ends THEN they did not take part and nothing of their presence is kept', () => {
    let record = withPresence(voiceMeeting(), 'ana', IN, at(0), ATTEND_MS);
    record = { ...record, state: (end(record.state, at(2)) as { ok: true; value: MeetingRecord['state'] }).value };
    record = withVoiceClosed(record, ATTEND_MS);
    expect(record.attendees).toEqual([]);
    expect(record.voicePresence).toEqual([]);
  });

  it('GIVEN a member out of voice within their grace period WHEN the meeting ends THEN the speaking order no longer keeps when they left', () => {
    let record = withTurnsStarted(voiceMeeting(), { present: ['1', '2'], hands: [] }, false, at(0))!;
    record = withPresence(record, '2', OUT, at(1), ATTEND_MS);
    expect(record.turns?.queue.away).toEqual([{ memberId: '2', leftAt: at(1).toISOString() }]);
    record = { ...record, state: (end(record.state, at(2)) as { ok: true; value: MeetingRecord['state'] }).value };
    record = withVoiceClosed(record, ATTEND_MS);
    expect(record.turns?.queue.away).toEqual([]);
    expect(record.turns?.queue.attended).toEqual(['1', '2']);
  });

  it('GIVEN one member who only listened in voice and one who only acted in a round THEN the summary counts both, without names', () => {
    let record = withPresence(voiceMeeting(), 'ana', IN, at(0), ATTEND_MS);
    record = withAction(withVoiceSettled(record, at(6), ATTEND_MS), 'ben', 'check-in');
    expect(record.attendees).toEqual(['ana', 'ben']);
    expect(summarize(record, new Set(), 1).attendance).toBe(2);
  });
});

describe('the speaking order on the record', () => {
  it('GIVEN members in voice WHEN the sharing round starts THEN the order rotates with the meeting number', () => {
    const roster = { present: ['1', '2', '3'], hands: [] };
    expect(withTurnsStarted({ ...voiceMeeting(), meetingNumber: 0 }, roster, false, at(0))?.turns?.queue.current?.memberId).toBe('1');
    expect(withTurnsStarted({ ...voiceMeeting(), meetingNumber: 1 }, roster, false, at(0))?.turns?.queue.current?.memberId).toBe('2');
  });

  it('GIVEN raised hands on a Stage WHEN a waiting listener lowers their hand THEN they pass and the others keep their order', () => {
    const hands = ['1', '2', '3'].map((memberId, index) => ({ memberId, raisedAt: at(-3 + index).toISOString() }));
    const started = withTurnsStarted(voiceMeeting(), { present: ['1', '2', '3'], hands }, true, at(0))!;
    const lowered = withPresence(started, '2', { inVoice: true, handRaised: false, handLowered: true }, at(1), ATTEND_MS);
    expect(lowered.turns?.queue.current?.memberId).toBe('1');
    expect(lowered.turns?.queue.waiting).toEqual(['3']);
  });

  it('GIVEN the speaker on a Stage WHEN their hand comes down THEN they keep speaking (being invited up lowers it too)', () => {
    const hands = ['1', '2'].map((memberId, index) => ({ memberId, raisedAt: at(-2 + index).toISOString() }));
    const started = withTurnsStarted(voiceMeeting(), { present: ['1', '2'], hands }, true, at(0))!;
    const lowered = withPresence(started, '1', { inVoice: true, handRaised: false, handLowered: true }, at(1), ATTEND_MS);
    expect(lowered.turns?.queue.current?.memberId).toBe('1');
    expect(lowered.turns?.queue.waiting).toEqual(['2']);
  });

  it('GIVEN a meeting without a voice channel WHEN its sharing round runs THEN no order starts', () => {
    expect(withTurnsStarted({ ...voiceMeeting(), voiceChannelId: null }, { present: ['1'], hands: [] }, false, at(0))).toBeNull();
  });

  it('GIVEN a press on an earlier round’s order WHEN it arrives THEN it changes nothing', () => {
    const record = withTurnsStarted(voiceMeeting(), { present: ['1', '2'], hands: [] }, false, at(0))!;
    expect(withTurnPress(record, 3, 'pass', { memberId: '1', isModerator: false }, at(1))).toEqual({ ok: false, error: { kind: 'no-turns' } });
  });

  it('GIVEN a restart WHEN the voice channel is re-read THEN members gone meanwhile keep their place for the grace period and newcomers join at the end', () => {
    const record = withTurnsStarted(voiceMeeting(), { present: ['1', '2'], hands: [] }, false, at(0))!;
    const after = withRoster(withRoster(record, { present: ['1', '2'], hands: [] }, at(0), ATTEND_MS), { present: ['1', '3'], hands: [] }, at(1), ATTEND_MS);
    expect(after.turns?.queue.waiting).toEqual(['2', '3']);
    expect(after.turns?.queue.away.map((away) => away.memberId)).toEqual(['2']);
  });
});

describe('the speaking-order message', () => {
  const started = () => withTurnsStarted(voiceMeeting(), { present: ['1', '2', '3', '4'], hands: [] }, false, at(0))!;
  const names = (id: string) => ({ '1': 'Ana', '2': 'Ben', '3': 'Cleo', '4': 'Dev' })[id] ?? '?';

  it('GIVEN a share within its time box THEN the message names the speaker and how long the share is, without a mention', () => {
    const record = started();
    const { content } = speakingOrderMessage(record, record.turns!, 'Check-in', names, at(0.5));
    expect(content).toContain('Speaking now: **Ana**. About 1 min for this share');
    expect(content).toContain('Then: Ben, Cleo, Dev.');
    expect(content).not.toContain('<@');
  });

  it('GIVEN a share past its time box THEN the message says so kindly, and nobody is cut off', () => {
    const record = started();
    const { content, components } = speakingOrderMessage(record, record.turns!, 'Check-in', names, at(2));
    expect(content).toContain('Your time for this share is up; take a moment to finish, no rush.');
    expect(components).toHaveLength(1);
  });
});

describe('the private answer to Done', () => {
  it('GIVEN someone waits WHEN the speaker presses Done THEN the answer says the next person is up', () => {
    const started = withTurnsStarted(voiceMeeting(), { present: ['1', '2'], hands: [] }, false, at(0))!;
    const pressed = withTurnPress(started, 0, 'done', { memberId: '1', isModerator: false }, at(1));
    expect(pressed.ok && turnPressed('done', pressed.value).content).toBe('Thank you. The next person is up.');
  });

  it('GIVEN nobody waits WHEN the last speaker presses Done THEN the answer does not promise a next person', () => {
    const started = withTurnsStarted(voiceMeeting(), { present: ['1'], hands: [] }, false, at(0))!;
    const pressed = withTurnPress(started, 0, 'done', { memberId: '1', isModerator: false }, at(1));
    expect(pressed.ok && turnPressed('done', pressed.value).content).toBe('Thank you. Nobody else is waiting just now.');
  });
});

describe('deleting a member’s data during a sharing round', () => {
  it('GIVEN the member is speaking WHEN their data is deleted THEN the next person speaks and the order no longer names them', () => {
    const record = withPresence(withTurnsStarted(voiceMeeting(), { present: ['1', '2', '3'], hands: [] }, false, at(0))!, '1', IN, at(0), ATTEND_MS);
    expect(namesMember(record, '1')).toBe(true);
    const after = withoutMember(record, '1', at(3));
    expect(after.turns?.queue.current?.memberId).toBe('2');
    // Their own time, from when the turn came to them: not what was left of the deleted speaker's.
    expect(after.turns?.queue.current?.since).toBe(at(3).toISOString());
    expect(after.turns?.queue.waiting).toEqual(['3']);
    expect(namesMember(after, '1')).toBe(false);
  });
});
