import { describe, expect, it } from 'vitest';
import { dayWindow, daysBetween, localDay, localDayKeyer, rollingWindow, weekStart, weekWindow } from '../../../src/domain/help/week.ts';
import { tallyEvents } from '../../../src/domain/help/tally.ts';
import { offered } from './ledger-fixtures.ts';

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;
const hours = (window: { from: Date; to: Date }) => (window.to.getTime() - window.from.getTime()) / HOUR;

describe('weeks in the guild time zone', () => {
  it('GIVEN 23:30 on a Sunday in New York THEN it belongs to the week that began the Monday before', () => {
    expect(weekStart(at('2026-06-08T03:30:00Z'), 'America/New_York')).toEqual(at('2026-06-01T04:00:00Z'));
  });

  it('GIVEN 00:30 on a Monday in New York THEN it belongs to the week starting that Monday', () => {
    expect(weekStart(at('2026-06-08T04:30:00Z'), 'America/New_York')).toEqual(at('2026-06-08T04:00:00Z'));
  });

  it('GIVEN Monday 00:00 exactly THEN the week starts at that instant', () => {
    expect(weekStart(at('2026-06-08T04:00:00Z'), 'America/New_York')).toEqual(at('2026-06-08T04:00:00Z'));
  });

  it('GIVEN one instant THEN it falls in different weeks in Kolkata and New York', () => {
    const instant = at('2026-06-07T20:00:00Z'); // Monday 01:30 in Kolkata, Sunday 16:00 in New York
    expect(weekStart(instant, 'Asia/Kolkata')).toEqual(at('2026-06-07T18:30:00Z'));
    expect(weekStart(instant, 'America/New_York')).toEqual(at('2026-06-01T04:00:00Z'));
  });

  it('GIVEN Asia/Kolkata THEN the week starts at Monday 00:00 +05:30 and lasts exactly 168 hours', () => {
    const window = weekWindow(at('2026-06-03T12:00:00Z'), 'Asia/Kolkata');
    expect(window.from).toEqual(at('2026-05-31T18:30:00Z'));
    expect(hours(window)).toBe(168);
  });

  it('GIVEN the New York spring-forward week THEN it lasts 167 hours', () => {
    const window = weekWindow(at('2026-03-05T12:00:00Z'), 'America/New_York');
    expect(window).toEqual({ from: at('2026-03-02T05:00:00Z'), to: at('2026-03-09T04:00:00Z') });
  });

  it('GIVEN the New York fall-back week THEN it lasts 169 hours', () => {
    const window = weekWindow(at('2026-10-28T12:00:00Z'), 'America/New_York');
    expect(window).toEqual({ from: at('2026-10-26T04:00:00Z'), to: at('2026-11-02T05:00:00Z') });
  });

  it('GIVEN the London week when clocks go forward THEN the next week starts at 23:00 UTC on Sunday', () => {
    const window = weekWindow(at('2026-03-25T12:00:00Z'), 'Europe/London');
    expect(window).toEqual({ from: at('2026-03-23T00:00:00Z'), to: at('2026-03-29T23:00:00Z') });
  });

  it('GIVEN 23:30 on the Sunday London clocks go forward THEN it is still that week', () => {
    expect(weekStart(at('2026-03-29T22:30:00Z'), 'Europe/London')).toEqual(at('2026-03-23T00:00:00Z'));
    expect(weekStart(at('2026-03-29T23:30:00Z'), 'Europe/London')).toEqual(at('2026-03-29T23:00:00Z'));
  });

  it('GIVEN Sydney when southern summer time ends in April THEN the week lasts 169 hours', () => {
    const window = weekWindow(at('2026-04-01T00:00:00Z'), 'Australia/Sydney');
    expect(window).toEqual({ from: at('2026-03-29T13:00:00Z'), to: at('2026-04-05T14:00:00Z') });
  });

  it('GIVEN Sydney when southern summer time starts in October THEN the week lasts 167 hours', () => {
    const window = weekWindow(at('2026-10-01T00:00:00Z'), 'Australia/Sydney');
    expect(window).toEqual({ from: at('2026-09-27T14:00:00Z'), to: at('2026-10-04T13:00:00Z') });
  });

  it('GIVEN events at Sunday 23:30 and Monday 00:30 local THEN only the first is tallied in that week', () => {
    const window = weekWindow(at('2026-06-03T12:00:00Z'), 'Australia/Sydney'); // AEST, +10:00
    const tallies = tallyEvents([offered('ann', 'bob', '2026-06-07T13:30:00Z'), offered('ann', 'bob', '2026-06-07T14:30:00Z')], window);
    expect(tallies.get('ann')?.given).toBe(1);
  });

  it('GIVEN an unknown zone THEN it is a programming error, not a silent UTC', () => {
    expect(() => weekStart(at('2026-06-03T12:00:00Z'), 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('rolling windows', () => {
  const now = at('2026-06-28T19:00:00Z'); // Sunday 15:00 in New York

  it('GIVEN the last 28 days THEN the window starts at local midnight 27 days before today and ends now', () => {
    expect(rollingWindow(now, 28, 'America/New_York')).toEqual({ from: at('2026-06-01T04:00:00Z'), to: now });
  });

  it('GIVEN an event at the first minute of the 28th day back THEN it is in; the 29th day back is out', () => {
    const window = rollingWindow(now, 28, 'America/New_York');
    const tallies = tallyEvents([offered('ann', 'bob', '2026-06-01T04:00:00Z'), offered('cat', 'dan', '2026-06-01T03:59:59Z')], window);
    expect([...tallies.keys()]).toEqual(['ann', 'bob']);
  });

  it('GIVEN a window of one day THEN it is today since local midnight', () => {
    expect(rollingWindow(now, 1, 'Asia/Kolkata').from).toEqual(at('2026-06-28T18:30:00Z'));
  });

  it('GIVEN 28 days across the New York spring change THEN the start is midnight EST, not a shifted hour', () => {
    expect(rollingWindow(at('2026-03-20T16:00:00Z'), 28, 'America/New_York').from).toEqual(at('2026-02-21T05:00:00Z'));
  });

  it('GIVEN zero days THEN the window is refused', () => {
    expect(() => rollingWindow(now, 0, 'UTC')).toThrow(RangeError);
  });
});

describe('local days', () => {
  it('GIVEN the instant Kolkata reaches midnight THEN its local day changes there and not in New York', () => {
    expect(localDay(at('2026-06-07T18:29:59Z'), 'Asia/Kolkata')).toBe('2026-06-07');
    expect(localDay(at('2026-06-07T18:30:00Z'), 'Asia/Kolkata')).toBe('2026-06-08');
    expect(localDay(at('2026-06-07T18:30:00Z'), 'America/New_York')).toBe('2026-06-07');
  });

  it('GIVEN a window across the London spring change THEN the days covering it include the 23-hour day', () => {
    expect(daysBetween(at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z'), 'Europe/London')).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
  });

  it('GIVEN a window ending at local midnight THEN the day it ends on is not included', () => {
    expect(daysBetween(at('2026-06-06T04:00:00Z'), at('2026-06-08T04:00:00Z'), 'America/New_York')).toEqual(['2026-06-06', '2026-06-07']);
  });

  it('GIVEN an empty window THEN no days cover it', () => {
    expect(daysBetween(at('2026-06-08T04:00:00Z'), at('2026-06-08T04:00:00Z'), 'UTC')).toEqual([]);
  });

  it('GIVEN the 28-day rolling window THEN 28 local days cover it', () => {
    const window = rollingWindow(at('2026-03-20T16:00:00Z'), 28, 'America/New_York');
    const days = daysBetween(window.from, window.to, 'America/New_York');
    expect(days).toHaveLength(28);
    expect(days[0]).toBe('2026-02-21');
    expect(days.at(-1)).toBe('2026-03-20');
  });

  it('GIVEN the London spring-forward day THEN its window lasts 23 hours, the autumn one 25', () => {
    expect(hours(dayWindow('2026-03-29', 'Europe/London')!)).toBe(23);
    expect(hours(dayWindow('2026-10-25', 'Europe/London')!)).toBe(25);
  });

  it('GIVEN a day key that is not a date THEN it has no window', () => {
    expect(dayWindow('2026-02-30', 'UTC')).toBeNull();
    expect(dayWindow('yesterday', 'UTC')).toBeNull();
  });

  it('GIVEN many instants across a year THEN the cached day keyer agrees with localDay in every zone', () => {
    const zones = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata', 'Australia/Lord_Howe'];
    for (const zone of zones) {
      const keyOf = localDayKeyer(zone);
      let seed = 7;
      for (let i = 0; i < 1500; i += 1) {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        const instant = Date.UTC(2026, 0, 1) + (seed % (366 * 24 * 60)) * 60_000;
        expect(keyOf(instant)).toBe(localDay(new Date(instant), zone));
      }
    }
  });
});
