import { describe, expect, it } from 'vitest';
import { checkSkipDate, withSkipDate } from '../../../src/domain/schedules/skip-dates.ts';
import { at, schedule } from './fixtures.ts';

// Tuesdays 18:00 in New York; now is Thursday 2026-11-26 10:00 local.
const weekly = schedule({ weekday: 'tue', time: '18:00', timezone: 'America/New_York' });
const now = at('2026-11-26T15:00:00Z');

describe('checkSkipDate', () => {
  it('GIVEN a future occurrence date THEN it is accepted as that date', () => {
    expect(checkSkipDate(weekly, '2026-12-22', now)).toEqual({ ok: true, value: '2026-12-22' });
  });

  it('GIVEN surrounding spaces THEN the date is accepted trimmed', () => {
    expect(checkSkipDate(weekly, ' 2026-12-22 ', now)).toEqual({ ok: true, value: '2026-12-22' });
  });

  it('GIVEN a date that is not the schedule weekday THEN it is refused with the occurrences before and after it', () => {
    expect(checkSkipDate(weekly, '2026-12-25', now)).toEqual({
      ok: false,
      error: { kind: 'not-an-occurrence', nearest: ['2026-12-22', '2026-12-29'], name: weekly.name },
    });
  });

  it('GIVEN the day after an occurrence THEN the nearest are that occurrence and the next', () => {
    expect(checkSkipDate(weekly, '2026-12-23', now)).toEqual({
      ok: false,
      error: { kind: 'not-an-occurrence', nearest: ['2026-12-22', '2026-12-29'], name: weekly.name },
    });
  });

  it('GIVEN a date that does not exist THEN it is refused as invalid', () => {
    expect(checkSkipDate(weekly, '2026-02-30', now)).toEqual({ ok: false, error: { kind: 'invalid-date' } });
  });

  it('GIVEN a date in another format THEN it is refused as invalid', () => {
    expect(checkSkipDate(weekly, '22/12/2026', now)).toEqual({ ok: false, error: { kind: 'invalid-date' } });
  });

  it('GIVEN a past occurrence date THEN it is refused as in the past', () => {
    expect(checkSkipDate(weekly, '2026-11-24', now)).toEqual({ ok: false, error: { kind: 'in-the-past' } });
  });

  it('GIVEN a past date that was not an occurrence either THEN it is refused as in the past', () => {
    expect(checkSkipDate(weekly, '2026-11-20', now)).toEqual({ ok: false, error: { kind: 'in-the-past' } });
  });

  it("GIVEN today's occurrence before it starts THEN it can still be skipped", () => {
    expect(checkSkipDate(weekly, '2026-11-24', at('2026-11-24T22:59:00Z'))).toEqual({ ok: true, value: '2026-11-24' });
  });

  it("GIVEN today's occurrence once it has started THEN it is refused as in the past", () => {
    expect(checkSkipDate(weekly, '2026-11-24', at('2026-11-24T23:00:00Z'))).toEqual({ ok: false, error: { kind: 'in-the-past' } });
  });

  it('GIVEN "today" judged in the schedule zone THEN a date already today in UTC but still tomorrow locally is not past', () => {
    // 2026-11-24T03:00Z is still Monday 22:00 in New York, so Tuesday the 24th is ahead.
    expect(checkSkipDate(weekly, '2026-11-24', at('2026-11-24T03:00:00Z'))).toEqual({ ok: true, value: '2026-11-24' });
  });
});

describe('withSkipDate', () => {
  it('GIVEN skip dates THEN the new one is added in date order', () => {
    expect(withSkipDate(schedule({ skipDates: ['2026-12-29', '2026-12-01'] }), '2026-12-22').skipDates).toEqual(['2026-12-01', '2026-12-22', '2026-12-29']);
  });

  it('GIVEN a date already skipped THEN it is kept once', () => {
    expect(withSkipDate(schedule({ skipDates: ['2026-12-22'] }), '2026-12-22').skipDates).toEqual(['2026-12-22']);
  });
});
