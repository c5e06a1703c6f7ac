import { describe, expect, it } from 'vitest';
import { problemText } from '../../../src/discord/problem-texts.ts';
import { text } from '../../../src/texts/texts.ts';

describe('problem texts', () => {
  it('GIVEN "not set up" from different services THEN each says what that part of the circle needs', () => {
    expect(problemText.help({ kind: 'not-set-up' })).toBe(text('help.notSetUp'));
    expect(problemText.task({ kind: 'not-set-up' })).toBe(text('task.notSetUp'));
    expect(problemText.meeting({ kind: 'not-set-up' })).toBe(text('meeting.notSetUp'));
    expect(problemText.schedule({ kind: 'not-set-up' })).toBe(text('schedule.notSetUp'));
    expect(problemText.reflection({ kind: 'not-set-up' })).toBe(text('reflection.notSetUp'));
  });

  it('GIVEN someone other than the asker WHEN they confirm, close or add THEN the refusal names what only the asker can do', () => {
    expect(problemText.helpConfirm({ kind: 'not-the-asker' })).toBe(text('help.notTheAsker.confirm'));
    expect(problemText.help({ kind: 'not-the-asker' })).toBe(text('help.notTheAsker.close'));
    expect(problemText.helpAdd({ kind: 'not-the-asker' })).toBe(text('add.notTheAsker'));
    expect(problemText.helpAdd({ kind: 'request-closed' })).toBe(text('help.requestClosed'));
  });

  it('GIVEN a problem with details THEN the text carries them', () => {
    expect(problemText.meeting({ kind: 'unknown-format', name: 'walk', known: ['grow', 'short'] })).toBe(
      text('meeting.unknownFormat', { name: 'walk', known: 'grow, short' }),
    );
    expect(problemText.task({ kind: 'text-too-long', length: 300, max: 200 })).toContain('300');
    expect(problemText.alertTake({ kind: 'already-taken', by: '42' })).toBe(text('alert.take.already', { moderator: '42' }));
  });

  it('GIVEN a schedule refused for several fields THEN every field problem is listed, one per line', () => {
    const refused = problemText.schedule({
      kind: 'invalid',
      problems: [
        { kind: 'invalid-time', field: 'time', input: '25:00', expected: 'HH:MM, 00:00-23:59' },
        { kind: 'unknown-timezone', field: 'timezone', input: 'Mars/Olympus' },
      ],
    });
    expect(refused).toContain(text('schedule.problem.time', { input: '25:00' }));
    expect(refused).toContain(`\n${text('schedule.problem.timezone', { input: 'Mars/Olympus' })}`);
  });

  it('GIVEN a date a schedule does not meet on WHEN skipping THEN the text quotes the date typed and names the schedule', () => {
    const context = { input: '2026-03-04' };
    expect(problemText.scheduleSkip({ kind: 'not-an-occurrence', nearest: ['2026-03-03', '2026-03-10'], name: 'Tuesday circle' }, context)).toBe(
      text('schedule.skip.notAnOccurrence', { input: '2026-03-04', name: 'Tuesday circle', before: '2026-03-03', after: '2026-03-10' }),
    );
    expect(problemText.scheduleSkip({ kind: 'invalid-date' }, context)).toBe(text('schedule.skip.invalidDate', { input: '2026-03-04' }));
    expect(problemText.scheduleSkip({ kind: 'unknown-schedule' }, context)).toBe(text('schedule.unknown'));
  });

  it('GIVEN a click from a round that is over, or a meeting that is gone THEN nothing changed is said plainly', () => {
    expect(problemText.meetingAction({ kind: 'round-ended' })).toBe(text('meeting.stale.roundEnded'));
    expect(problemText.meetingAction({ kind: 'no-meeting' })).toBe(text('meeting.stale.meetingEnded'));
  });

  it('GIVEN a stale custom id THEN it reads as an expired button', () => {
    expect(problemText.customId({ kind: 'stale-custom-id', prefix: 'mtg-checkin' })).toBe(text('error.staleComponent'));
  });
});
