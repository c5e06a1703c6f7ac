import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearResolvedTimes, nextOccurrence, occurrenceAt, occurrenceKey, occurrencesBetween } from '../../../src/domain/schedules/occurrences.ts';
import { at, schedule } from './fixtures.ts';

const newYork = (time: string) => schedule({ weekday: 'sun', time, timezone: 'America/New_York' });
const london = (time: string) => schedule({ weekday: 'sun', time, timezone: 'Europe/London' });
const sydney = (time: string) => schedule({ weekday: 'sun', time, timezone: 'Australia/Sydney' });

describe('spring forward: a wall-clock time that does not exist that day moves forward by the gap', () => {
  it('GIVEN 02:30 in New York on 2026-03-08 (02:00-03:00 missing) THEN it happens at 03:30 EDT', () => {
    expect(occurrenceAt(newYork('02:30'), '2026-03-08')).toEqual(at('2026-03-08T07:30:00Z'));
  });

  it('GIVEN 02:30 in New York on 2027-03-14 THEN it happens at 03:30 EDT', () => {
    expect(occurrenceAt(newYork('02:30'), '2027-03-14')).toEqual(at('2027-03-14T07:30:00Z'));
  });

  it('GIVEN 02:00 in New York on 2026-03-08 (the first missing minute) THEN it happens at 03:00 EDT', () => {
    expect(occurrenceAt(newYork('02:00'), '2026-03-08')).toEqual(at('2026-03-08T07:00:00Z'));
  });

  it('GIVEN 03:00 in New York on 2026-03-08 (just after the gap) THEN it is at 03:00 EDT, the same instant as a 02:00 meeting', () => {
    expect(occurrenceAt(newYork('03:00'), '2026-03-08')).toEqual(at('2026-03-08T07:00:00Z'));
  });

  it('GIVEN 01:30 in London on 2026-03-29 (01:00-02:00 missing) THEN it happens at 02:30 BST', () => {
    expect(occurrenceAt(london('01:30'), '2026-03-29')).toEqual(at('2026-03-29T01:30:00Z'));
  });

  it('GIVEN 01:30 in London on 2027-03-28 THEN it happens at 02:30 BST', () => {
    expect(occurrenceAt(london('01:30'), '2027-03-28')).toEqual(at('2027-03-28T01:30:00Z'));
  });

  it('GIVEN 02:30 in Sydney on 2026-10-04 (southern spring, 02:00-03:00 missing) THEN it happens at 03:30 AEDT', () => {
    expect(occurrenceAt(sydney('02:30'), '2026-10-04')).toEqual(at('2026-10-03T16:30:00Z'));
  });

  it('GIVEN 02:10 on Lord Howe Island on 2026-10-04 (a 30-minute gap, 02:00-02:30) THEN it happens at 02:40 (+11:00)', () => {
    const lordHowe = schedule({ weekday: 'sun', time: '02:10', timezone: 'Australia/Lord_Howe' });
    expect(occurrenceAt(lordHowe, '2026-10-04')).toEqual(at('2026-10-03T15:40:00Z'));
  });

  it('GIVEN the moved 02:30 New York occurrence THEN its key is still its local date', () => {
    expect(occurrenceKey(newYork('02:30'), at('2026-03-08T07:30:00Z'))).toBe('2026-03-08');
  });

  it('GIVEN 02:30 in New York THEN the week after the gap is back at 02:30 EDT', () => {
    expect(nextOccurrence(newYork('02:30'), at('2026-03-08T07:30:00Z'))).toEqual(at('2026-03-15T06:30:00Z'));
  });
});

describe('fall back: a wall-clock time that happens twice happens once, at the first (daylight-time) instant', () => {
  it('GIVEN 01:30 in New York on 2026-11-01 THEN it happens at 01:30 EDT (05:30Z), not 01:30 EST', () => {
    expect(occurrenceAt(newYork('01:30'), '2026-11-01')).toEqual(at('2026-11-01T05:30:00Z'));
  });

  it('GIVEN 01:30 in New York on 2027-11-07 THEN it happens at 01:30 EDT', () => {
    expect(occurrenceAt(newYork('01:30'), '2027-11-07')).toEqual(at('2027-11-07T05:30:00Z'));
  });

  it('GIVEN 01:30 in London on 2026-10-25 THEN it happens at 01:30 BST (00:30Z), not 01:30 GMT', () => {
    expect(occurrenceAt(london('01:30'), '2026-10-25')).toEqual(at('2026-10-25T00:30:00Z'));
  });

  it('GIVEN 01:30 in London on 2027-10-31 THEN it happens at 01:30 BST', () => {
    expect(occurrenceAt(london('01:30'), '2027-10-31')).toEqual(at('2027-10-31T00:30:00Z'));
  });

  it('GIVEN 02:30 in Sydney on 2026-04-05 (southern autumn, 02:00-03:00 twice) THEN it happens at 02:30 AEDT', () => {
    expect(occurrenceAt(sydney('02:30'), '2026-04-05')).toEqual(at('2026-04-04T15:30:00Z'));
  });

  it('GIVEN the first 01:30 in New York has passed THEN the next occurrence is a week later, not the second 01:30', () => {
    expect(nextOccurrence(newYork('01:30'), at('2026-11-01T05:30:00Z'))).toEqual(at('2026-11-08T06:30:00Z'));
  });

  it('GIVEN the whole New York fall-back day THEN a 01:30 schedule has one occurrence in it', () => {
    expect(occurrencesBetween(newYork('01:30'), at('2026-11-01T04:00:00Z'), at('2026-11-02T05:00:00Z'))).toEqual([at('2026-11-01T05:30:00Z')]);
  });

  it('GIVEN the second 01:30 in New York THEN its key is the same local date as the first', () => {
    expect(occurrenceKey(newYork('01:30'), at('2026-11-01T06:30:00Z'))).toBe(occurrenceKey(newYork('01:30'), at('2026-11-01T05:30:00Z')));
  });
});

describe('the machine clock does not change the answer (luxon alone picks a fall-back instant by the current offset)', () => {
  beforeEach(() => {
    clearResolvedTimes();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(['2026-01-15T12:00:00Z', '2026-07-15T12:00:00Z'])('GIVEN the machine clock at %s THEN 01:30 on the New York fall-back day is 05:30Z', (clock) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(clock));
    expect(occurrenceAt(newYork('01:30'), '2026-11-01')).toEqual(at('2026-11-01T05:30:00Z'));
  });

  it.each(['2026-01-15T12:00:00Z', '2026-07-15T12:00:00Z'])(
    'GIVEN the machine clock at %s THEN 02:30 on the New York spring-forward day is 07:30Z',
    (clock) => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date(clock));
      expect(occurrenceAt(newYork('02:30'), '2026-03-08')).toEqual(at('2026-03-08T07:30:00Z'));
    },
  );
});
