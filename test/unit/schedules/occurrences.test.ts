import { describe, expect, it } from 'vitest';
import { nextOccurrence, occurrenceAt, occurrenceKey, occurrencesBetween, reminderAt } from '../../../src/domain/schedules/occurrences.ts';
import { at, schedule } from './fixtures.ts';

// Tuesdays 18:00 in New York; 2026-11-24 is a Tuesday (EST), 18:00 local = 23:00Z.
const weekly = schedule({ weekday: 'tue', time: '18:00', timezone: 'America/New_York' });

describe('occurrenceAt', () => {
  it('GIVEN a date on the schedule weekday THEN it is the wall-clock time on that date in the zone', () => {
    expect(occurrenceAt(weekly, '2026-11-24')).toEqual(at('2026-11-24T23:00:00Z'));
  });

  it('GIVEN a date on another weekday THEN there is no occurrence', () => {
    expect(occurrenceAt(weekly, '2026-11-25')).toBeNull();
  });

  it('GIVEN a date that does not exist (2026-02-31) THEN there is no occurrence', () => {
    expect(occurrenceAt(weekly, '2026-02-31')).toBeNull();
  });

  it('GIVEN a date that is not YYYY-MM-DD THEN there is no occurrence', () => {
    expect(occurrenceAt(weekly, '24/11/2026')).toBeNull();
  });
});

describe('nextOccurrence', () => {
  it("GIVEN a moment earlier that day THEN it is that day's occurrence", () => {
    expect(nextOccurrence(weekly, at('2026-11-24T15:00:00Z'))).toEqual(at('2026-11-24T23:00:00Z'));
  });

  it('GIVEN exactly the start of an occurrence THEN it is the one a week later (strictly after)', () => {
    expect(nextOccurrence(weekly, at('2026-11-24T23:00:00Z'))).toEqual(at('2026-12-01T23:00:00Z'));
  });

  it('GIVEN a moment whose UTC date is already the next day THEN the local date decides (Monday 20:00 local is Tuesday UTC)', () => {
    expect(nextOccurrence(weekly, at('2026-11-24T01:00:00Z'))).toEqual(at('2026-11-24T23:00:00Z'));
  });

  it('GIVEN the next occurrence is skipped THEN the one after it is next', () => {
    expect(nextOccurrence(schedule({ ...weekly, skipDates: ['2026-11-24'] }), at('2026-11-24T15:00:00Z'))).toEqual(at('2026-12-01T23:00:00Z'));
  });

  it('GIVEN several skipped weeks in a row THEN all are passed over', () => {
    const skipping = schedule({ ...weekly, skipDates: ['2026-12-22', '2026-11-24', '2026-12-01', '2026-12-29'] });
    expect(nextOccurrence(skipping, at('2026-11-24T15:00:00Z'))).toEqual(at('2026-12-08T23:00:00Z'));
  });

  it('GIVEN includeSkipped THEN a skipped occurrence is returned', () => {
    expect(nextOccurrence(schedule({ ...weekly, skipDates: ['2026-11-24'] }), at('2026-11-24T15:00:00Z'), { includeSkipped: true })).toEqual(
      at('2026-11-24T23:00:00Z'),
    );
  });

  it('GIVEN a half-hour zone (Asia/Kolkata, +05:30) THEN the instant is offset by five and a half hours', () => {
    expect(nextOccurrence(schedule({ weekday: 'mon', time: '09:15', timezone: 'Asia/Kolkata' }), at('2026-11-26T00:00:00Z'))).toEqual(
      at('2026-11-30T03:45:00Z'),
    );
  });
});

describe('occurrencesBetween (half-open [from, to))', () => {
  it('GIVEN a window starting exactly at an occurrence THEN that occurrence is included', () => {
    expect(occurrencesBetween(weekly, at('2026-11-24T23:00:00Z'), at('2026-11-25T00:00:00Z'))).toEqual([at('2026-11-24T23:00:00Z')]);
  });

  it('GIVEN a window ending exactly at an occurrence THEN that occurrence is left out', () => {
    expect(occurrencesBetween(weekly, at('2026-11-20T00:00:00Z'), at('2026-11-24T23:00:00Z'))).toEqual([]);
  });

  it('GIVEN a four-week window THEN it has four occurrences, in order', () => {
    expect(occurrencesBetween(weekly, at('2026-11-23T00:00:00Z'), at('2026-12-21T00:00:00Z'))).toEqual([
      at('2026-11-24T23:00:00Z'),
      at('2026-12-01T23:00:00Z'),
      at('2026-12-08T23:00:00Z'),
      at('2026-12-15T23:00:00Z'),
    ]);
  });

  it('GIVEN a skipped occurrence in the window THEN it is left out by default', () => {
    const skipping = schedule({ ...weekly, skipDates: ['2026-12-01'] });
    expect(occurrencesBetween(skipping, at('2026-11-23T00:00:00Z'), at('2026-12-07T00:00:00Z'))).toEqual([at('2026-11-24T23:00:00Z')]);
  });

  it('GIVEN includeSkipped THEN a skipped occurrence in the window is listed', () => {
    const skipping = schedule({ ...weekly, skipDates: ['2026-12-01'] });
    expect(occurrencesBetween(skipping, at('2026-11-23T00:00:00Z'), at('2026-12-07T00:00:00Z'), { includeSkipped: true })).toEqual([
      at('2026-11-24T23:00:00Z'),
      at('2026-12-01T23:00:00Z'),
    ]);
  });

  it('GIVEN an empty or reversed window THEN there are none', () => {
    expect(occurrencesBetween(weekly, at('2026-12-01T00:00:00Z'), at('2026-11-01T00:00:00Z'))).toEqual([]);
  });
});

describe('occurrenceKey', () => {
  it('GIVEN an occurrence THEN its key is its local date in the zone', () => {
    expect(occurrenceKey(weekly, at('2026-11-24T23:00:00Z'))).toBe('2026-11-24');
  });

  it('GIVEN a zone ahead of UTC where the occurrence is on the previous UTC date THEN the key is the local date', () => {
    const sydneyMorning = schedule({ weekday: 'mon', time: '09:00', timezone: 'Australia/Sydney' });
    expect(occurrenceKey(sydneyMorning, at('2026-11-29T22:00:00Z'))).toBe('2026-11-30');
  });

  it('GIVEN a zone behind UTC where the occurrence is on the next UTC date THEN the key is the local date', () => {
    const lateEvening = schedule({ weekday: 'tue', time: '21:00', timezone: 'America/Los_Angeles' });
    expect(occurrenceKey(lateEvening, at('2026-11-25T05:00:00Z'))).toBe('2026-11-24');
  });
});

describe('reminderAt', () => {
  it('GIVEN a 60-minute reminder THEN it is an hour before the start', () => {
    expect(reminderAt(weekly, at('2026-11-24T23:00:00Z'))).toEqual(at('2026-11-24T22:00:00Z'));
  });

  it('GIVEN a 1440-minute reminder THEN it is a day before the start', () => {
    expect(reminderAt(schedule({ reminderMinutes: 1440 }), at('2026-11-24T23:00:00Z'))).toEqual(at('2026-11-23T23:00:00Z'));
  });

  it('GIVEN no reminder (0 minutes) THEN there is none', () => {
    expect(reminderAt(schedule({ reminderMinutes: 0 }), at('2026-11-24T23:00:00Z'))).toBeNull();
  });

  it('GIVEN a reminder across the spring-forward gap THEN it counts elapsed minutes, not wall-clock ones', () => {
    // 03:30 EDT on 2026-03-08; two real hours earlier is 00:30 EST (the wall clock skipped an hour).
    expect(reminderAt(schedule({ reminderMinutes: 120 }), at('2026-03-08T07:30:00Z'))).toEqual(at('2026-03-08T05:30:00Z'));
  });
});

describe('zones at the ends of the offset range', () => {
  it('GIVEN Pacific/Kiritimati (+14:00) THEN Monday 08:00 local is Sunday 18:00 UTC', () => {
    const farEast = schedule({ weekday: 'mon', time: '08:00', timezone: 'Pacific/Kiritimati' });
    expect(nextOccurrence(farEast, at('2026-11-29T17:00:00Z'))).toEqual(at('2026-11-29T18:00:00Z'));
  });

  it('GIVEN Pacific/Pago_Pago (-11:00) THEN Monday 20:00 local is Tuesday 07:00 UTC', () => {
    const farWest = schedule({ weekday: 'mon', time: '20:00', timezone: 'Pacific/Pago_Pago' });
    expect(nextOccurrence(farWest, at('2026-12-01T06:59:00Z'))).toEqual(at('2026-12-01T07:00:00Z'));
  });
});
