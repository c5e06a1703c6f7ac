import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { nextOccurrence, occurrenceKey, occurrencesBetween } from '../../../src/domain/schedules/occurrences.ts';
import type { WeeklySchedule } from '../../../src/domain/schedules/schedule.ts';
import { schedule } from './fixtures.ts';

/**
 * Every Thursday at 18:00 local time through 2026 and 2027, found by chaining nextOccurrence.
 * 2026 has 53 Thursdays (it starts on one), 2027 has 52.
 */
const zones = [
  // zone, the UTC times 18:00 local falls on (two with daylight saving, one without)
  { zone: 'America/New_York', utcTimes: ['22:00', '23:00'] },
  { zone: 'Europe/London', utcTimes: ['17:00', '18:00'] },
  // Southern hemisphere: daylight time from the first Sunday of October to the first Sunday of April.
  { zone: 'Australia/Sydney', utcTimes: ['07:00', '08:00'] },
  // +05:30 all year.
  { zone: 'Asia/Kolkata', utcTimes: ['12:30'] },
  // Brazil abolished daylight saving in 2019: -03:00 all year.
  { zone: 'America/Sao_Paulo', utcTimes: ['21:00'] },
];

function chain(weekly: WeeklySchedule): Date[] {
  const start = DateTime.fromObject({ year: 2026, month: 1, day: 1 }, { zone: weekly.timezone }).toJSDate();
  const end = DateTime.fromObject({ year: 2028, month: 1, day: 1 }, { zone: weekly.timezone }).toMillis();
  const found: Date[] = [];
  for (let at = nextOccurrence(weekly, new Date(start.getTime() - 1)); at.getTime() < end; at = nextOccurrence(weekly, at)) found.push(at);
  return found;
}

describe.each(zones)('GIVEN Thursdays at 18:00 in $zone over 2026-2027', ({ zone, utcTimes }) => {
  const weekly = schedule({ weekday: 'thu', time: '18:00', timezone: zone });
  const occurrences = chain(weekly);
  const local = occurrences.map((at) => DateTime.fromJSDate(at, { zone }));

  it('THEN there are 53 occurrences in 2026 and 52 in 2027', () => {
    expect([local.filter((d) => d.year === 2026).length, local.filter((d) => d.year === 2027).length]).toEqual([53, 52]);
  });

  it('THEN every occurrence is at 18:00 local wall-clock time on a Thursday', () => {
    expect(new Set(local.map((d) => `${d.weekdayShort} ${d.toFormat('HH:mm')}`))).toEqual(new Set(['Thu 18:00']));
  });

  it('THEN consecutive occurrences are exactly 7 local calendar days apart (no week skipped, none doubled)', () => {
    const gaps = local.slice(1).map((d, i) => d.startOf('day').diff(local[i]!.startOf('day'), 'days').days);
    expect(new Set(gaps)).toEqual(new Set([7]));
  });

  it('THEN no local date has two occurrences', () => {
    const dates = local.map((d) => d.toISODate());
    expect(new Set(dates).size).toBe(dates.length);
  });

  it('THEN each occurrence key is its local date', () => {
    expect(occurrences.map((at) => occurrenceKey(weekly, at))).toEqual(local.map((d) => d.toISODate()));
  });

  it('THEN occurrencesBetween over the two years gives the same occurrences', () => {
    const from = DateTime.fromObject({ year: 2026, month: 1, day: 1 }, { zone }).toJSDate();
    const to = DateTime.fromObject({ year: 2028, month: 1, day: 1 }, { zone }).toJSDate();
    expect(occurrencesBetween(weekly, from, to)).toEqual(occurrences);
  });

  it(`THEN in UTC the meeting falls at ${utcTimes.join(' or ')} (it follows the zone's daylight saving, if any)`, () => {
    expect(new Set(occurrences.map((at) => at.toISOString().slice(11, 16)))).toEqual(new Set(utcTimes));
  });
});

describe('GIVEN America/Sao_Paulo as the zone that abolished daylight saving', () => {
  it('THEN the runtime data still knows it had daylight saving in 2018 (-02:00 in December)', () => {
    expect(DateTime.fromISO('2018-12-01T12:00', { zone: 'America/Sao_Paulo' }).offset).toBe(-120);
  });

  it('THEN it has no daylight saving in 2026-2027', () => {
    const offsets = [2026, 2027].flatMap((year) =>
      [1, 4, 7, 10, 12].map((month) => DateTime.fromObject({ year, month, day: 15 }, { zone: 'America/Sao_Paulo' }).offset),
    );
    expect(new Set(offsets)).toEqual(new Set([-180]));
  });
});

/** Sundays at a time that one day a year does not exist and one day a year happens twice. */
const earlyMorning = [
  { zone: 'America/New_York', time: '02:30', gapDay: ['2026-03-08', '2027-03-14'], shiftedTo: '03:30' },
  { zone: 'Europe/London', time: '01:30', gapDay: ['2026-03-29', '2027-03-28'], shiftedTo: '02:30' },
  { zone: 'Australia/Sydney', time: '02:30', gapDay: ['2026-10-04', '2027-10-03'], shiftedTo: '03:30' },
];

describe.each(earlyMorning)('GIVEN Sundays at $time in $zone over 2026-2027', ({ zone, time, gapDay, shiftedTo }) => {
  const weekly = schedule({ weekday: 'sun', time, timezone: zone });
  const local = chain(weekly).map((at) => DateTime.fromJSDate(at, { zone }));

  it('THEN every Sunday has exactly one occurrence (52 in 2026, 52 in 2027)', () => {
    const dates = local.map((d) => d.toISODate());
    expect([new Set(dates).size, dates.length, local.filter((d) => d.year === 2026).length]).toEqual([104, 104, 52]);
  });

  it('THEN consecutive occurrences are exactly 7 local calendar days apart', () => {
    const gaps = local.slice(1).map((d, i) => d.startOf('day').diff(local[i]!.startOf('day'), 'days').days);
    expect(new Set(gaps)).toEqual(new Set([7]));
  });

  it(`THEN it is at ${time} every week except the spring-forward days, when it is at ${shiftedTo}`, () => {
    const unusual = local.filter((d) => d.toFormat('HH:mm') !== time).map((d) => `${d.toISODate()} ${d.toFormat('HH:mm')}`);
    expect(unusual).toEqual(gapDay.map((day) => `${day} ${shiftedTo}`));
  });
});
