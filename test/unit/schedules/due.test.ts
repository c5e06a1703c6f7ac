import { describe, expect, it } from 'vitest';
import { dueOccurrence, dueReminder } from '../../../src/domain/schedules/due.ts';
import { at, schedule } from './fixtures.ts';

// Tuesdays 18:00 in New York; 2026-11-24 is a Tuesday (EST, -05:00), so 18:00 local is 23:00Z.
const weekly = schedule({ weekday: 'tue', time: '18:00', timezone: 'America/New_York', durationMinutes: 60 });

describe('dueOccurrence', () => {
  it('GIVEN the last occurrence already fired and the next not yet come THEN nothing is due', () => {
    expect(dueOccurrence(weekly, '2026-11-17', at('2026-11-24T22:59:59Z'))).toEqual({ kind: 'none' });
  });

  it('GIVEN the scheduled minute THEN the occurrence starts on time', () => {
    expect(dueOccurrence(weekly, '2026-11-17', at('2026-11-24T23:00:00Z'))).toEqual({
      kind: 'start',
      at: at('2026-11-24T23:00:00Z'),
      key: '2026-11-24',
      late: false,
    });
  });

  it('GIVEN a tick up to a minute after the start THEN it still counts as on time', () => {
    expect(dueOccurrence(weekly, '2026-11-17', at('2026-11-24T23:01:00Z'))).toMatchObject({ kind: 'start', late: false });
  });

  it('GIVEN a restart 20 minutes into a 60-minute occurrence that never fired THEN it starts late', () => {
    expect(dueOccurrence(weekly, '2026-11-17', at('2026-11-24T23:20:00Z'))).toEqual({
      kind: 'start',
      at: at('2026-11-24T23:00:00Z'),
      key: '2026-11-24',
      late: true,
    });
  });

  it('GIVEN the last minute of the duration THEN it still starts late', () => {
    expect(dueOccurrence(weekly, '2026-11-17', at('2026-11-24T23:59:59.999Z'))).toMatchObject({ kind: 'start', late: true });
  });

  it('GIVEN a restart once the whole duration has passed THEN the occurrence is missed, not started', () => {
    expect(dueOccurrence(weekly, '2026-11-17', at('2026-11-25T00:00:00Z'))).toEqual({
      kind: 'missed',
      at: at('2026-11-24T23:00:00Z'),
      key: '2026-11-24',
    });
  });

  it('GIVEN the occurrence already fired (a restart right after firing) THEN nothing is due', () => {
    expect(dueOccurrence(weekly, '2026-11-24', at('2026-11-24T23:00:30Z'))).toEqual({ kind: 'none' });
  });

  it('GIVEN a missed occurrence already recorded THEN it is not reported again', () => {
    expect(dueOccurrence(weekly, '2026-11-24', at('2026-11-26T12:00:00Z'))).toEqual({ kind: 'none' });
  });

  it('GIVEN the occurrence is skipped THEN nothing is due at its minute', () => {
    const skipping = schedule({ ...weekly, skipDates: ['2026-11-24'] });
    expect(dueOccurrence(skipping, '2026-11-17', at('2026-11-24T23:00:00Z'))).toEqual({ kind: 'none' });
  });

  it('GIVEN two occurrences missed while down THEN only the latest is reported', () => {
    expect(dueOccurrence(weekly, '2026-11-10', at('2026-11-26T12:00:00Z'))).toEqual({
      kind: 'missed',
      at: at('2026-11-24T23:00:00Z'),
      key: '2026-11-24',
    });
  });

  it('GIVEN an earlier missed occurrence and the latest running now THEN the latest starts and the earlier is superseded', () => {
    expect(dueOccurrence(weekly, '2026-11-10', at('2026-11-24T23:05:00Z'))).toMatchObject({ kind: 'start', key: '2026-11-24', late: true });
  });

  it('GIVEN the latest occurrence skipped and an earlier one never handled THEN the earlier one is reported missed', () => {
    const skipping = schedule({ ...weekly, skipDates: ['2026-11-24'] });
    expect(dueOccurrence(skipping, '2026-11-10', at('2026-11-26T12:00:00Z'))).toEqual({
      kind: 'missed',
      at: at('2026-11-17T23:00:00Z'),
      key: '2026-11-17',
    });
  });

  it('GIVEN a schedule that never fired THEN occurrences before it was created are never due', () => {
    const created = schedule({ ...weekly, createdAt: '2026-11-24T23:10:00Z' });
    expect(dueOccurrence(created, null, at('2026-11-24T23:15:00Z'))).toEqual({ kind: 'none' });
  });

  it('GIVEN a schedule that never fired THEN its first occurrence after creation starts', () => {
    const created = schedule({ ...weekly, createdAt: '2026-11-24T22:59:00Z' });
    expect(dueOccurrence(created, null, at('2026-11-24T23:00:00Z'))).toMatchObject({ kind: 'start', key: '2026-11-24', late: false });
  });

  describe('GIVEN a 01:30 Sunday schedule on the New York fall-back day (2026-11-01, 01:30 happens twice)', () => {
    const early = schedule({ weekday: 'sun', time: '01:30', timezone: 'America/New_York', durationMinutes: 30 });

    it('THEN it is due at the first 01:30 (daylight time, 05:30Z)', () => {
      expect(dueOccurrence(early, '2026-10-25', at('2026-11-01T05:30:00Z'))).toEqual({
        kind: 'start',
        at: at('2026-11-01T05:30:00Z'),
        key: '2026-11-01',
        late: false,
      });
    });

    it('THEN it is not due before the first 01:30', () => {
      expect(dueOccurrence(early, '2026-10-25', at('2026-11-01T05:29:59Z'))).toEqual({ kind: 'none' });
    });

    it('THEN once fired, the second 01:30 (standard time, 06:30Z) does not make it due again', () => {
      expect(dueOccurrence(early, '2026-11-01', at('2026-11-01T06:30:00Z'))).toEqual({ kind: 'none' });
    });

    it('THEN if never fired, at the second 01:30 it is reported missed once (its 30 minutes are over), not started', () => {
      expect(dueOccurrence(early, '2026-10-25', at('2026-11-01T06:30:00Z'))).toEqual({
        kind: 'missed',
        at: at('2026-11-01T05:30:00Z'),
        key: '2026-11-01',
      });
    });
  });

  describe('GIVEN a 02:30 Sunday schedule on the New York spring-forward day (2026-03-08, 02:30 does not exist)', () => {
    const early = schedule({ weekday: 'sun', time: '02:30', timezone: 'America/New_York' });

    it('THEN it is not due before 03:30 daylight time', () => {
      expect(dueOccurrence(early, '2026-03-01', at('2026-03-08T07:29:59Z'))).toEqual({ kind: 'none' });
    });

    it('THEN it is due at 03:30 daylight time (07:30Z), on time, keyed by its date', () => {
      expect(dueOccurrence(early, '2026-03-01', at('2026-03-08T07:30:00Z'))).toMatchObject({ kind: 'start', key: '2026-03-08', late: false });
    });
  });

  it('GIVEN a zone 14 hours ahead of UTC (Pacific/Kiritimati) THEN Monday 08:00 local is due at Sunday 18:00 UTC', () => {
    const farEast = schedule({ weekday: 'mon', time: '08:00', timezone: 'Pacific/Kiritimati' });
    expect(dueOccurrence(farEast, '2026-11-23', at('2026-11-29T18:00:00Z'))).toMatchObject({ kind: 'start', key: '2026-11-30', late: false });
  });
});

describe('dueReminder', () => {
  it('GIVEN more than the reminder time before the start THEN no reminder is due', () => {
    expect(dueReminder(weekly, '2026-11-17', at('2026-11-24T21:59:59Z'))).toEqual({ kind: 'none' });
  });

  it('GIVEN the reminder minute THEN the reminder is due once for that occurrence', () => {
    expect(dueReminder(weekly, '2026-11-17', at('2026-11-24T22:00:00Z'))).toEqual({
      kind: 'remind',
      at: at('2026-11-24T23:00:00Z'),
      key: '2026-11-24',
      remindAt: at('2026-11-24T22:00:00Z'),
    });
  });

  it('GIVEN the reminder already sent THEN a restart before the start does not send it again', () => {
    expect(dueReminder(weekly, '2026-11-24', at('2026-11-24T22:30:00Z'))).toEqual({ kind: 'none' });
  });

  it('GIVEN the bot was down at the reminder minute THEN the reminder is still sent before the start', () => {
    expect(dueReminder(weekly, '2026-11-17', at('2026-11-24T22:50:00Z'))).toMatchObject({ kind: 'remind', key: '2026-11-24' });
  });

  it('GIVEN the meeting has started THEN its unsent reminder is dropped', () => {
    expect(dueReminder(weekly, '2026-11-17', at('2026-11-24T23:00:00Z'))).toEqual({ kind: 'none' });
  });

  it('GIVEN reminders turned off (0 minutes) THEN no reminder is ever due', () => {
    expect(dueReminder(schedule({ ...weekly, reminderMinutes: 0 }), null, at('2026-11-24T22:59:00Z'))).toEqual({ kind: 'none' });
  });

  it('GIVEN the occurrence is skipped THEN no reminder is sent for it', () => {
    expect(dueReminder(schedule({ ...weekly, skipDates: ['2026-11-24'] }), '2026-11-17', at('2026-11-24T22:30:00Z'))).toEqual({ kind: 'none' });
  });
});
