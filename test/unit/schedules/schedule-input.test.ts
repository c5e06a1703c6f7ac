import { describe, expect, it } from 'vitest';
import { checkScheduleInput, type ScheduleInput } from '../../../src/domain/schedules/schedule.ts';

const valid: ScheduleInput = { name: 'Tuesday circle', weekday: 'tue', time: '18:00', timezone: 'Europe/London' };
const problems = (input: Partial<ScheduleInput>) => {
  const result = checkScheduleInput({ ...valid, ...input });
  return result.ok ? [] : result.error;
};

describe('checkScheduleInput', () => {
  it('GIVEN only the required fields THEN the defaults apply (60 minutes, 60-minute reminder, grow format)', () => {
    expect(checkScheduleInput(valid)).toEqual({
      ok: true,
      value: { name: 'Tuesday circle', weekday: 'tue', time: '18:00', timezone: 'Europe/London', durationMinutes: 60, reminderMinutes: 60, format: 'grow' },
    });
  });

  it('GIVEN loose spellings THEN they are normalised (full weekday name, H:MM, zone case, spaces)', () => {
    const result = checkScheduleInput({ ...valid, name: '  Evening  ', weekday: 'Tuesday', time: '9:05', timezone: 'europe/london' });
    expect(result.ok && result.value).toMatchObject({ name: 'Evening', weekday: 'tue', time: '09:05', timezone: 'Europe/London' });
  });

  it.each(['25:00', '7pm', '18:60', '', '1800'])('GIVEN the time %j THEN it is refused as a time, naming HH:MM', (time) => {
    expect(problems({ time })).toEqual([{ kind: 'invalid-time', field: 'time', input: time, expected: 'HH:MM, 00:00-23:59' }]);
  });

  it('GIVEN an unknown time zone THEN it is refused by name', () => {
    expect(problems({ timezone: 'Mars/Olympus' })).toEqual([{ kind: 'unknown-timezone', field: 'timezone', input: 'Mars/Olympus' }]);
  });

  it('GIVEN a fixed offset instead of a zone THEN it is refused (it would ignore daylight saving)', () => {
    expect(problems({ timezone: '+02:00' })).toEqual([{ kind: 'unknown-timezone', field: 'timezone', input: '+02:00' }]);
  });

  it('GIVEN an unknown weekday THEN it is refused with the allowed ones', () => {
    expect(problems({ weekday: 'someday' })).toEqual([
      { kind: 'invalid-weekday', field: 'weekday', input: 'someday', allowed: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] },
    ]);
  });

  it.each([14, 241, 30.5])('GIVEN a duration of %d minutes THEN it is refused with the range 15-240', (durationMinutes) => {
    expect(problems({ durationMinutes })).toEqual([{ kind: 'out-of-range', field: 'durationMinutes', input: durationMinutes, min: 15, max: 240 }]);
  });

  it.each([15, 240])('GIVEN a duration of %d minutes (a limit) THEN it is accepted', (durationMinutes) => {
    expect(problems({ durationMinutes })).toEqual([]);
  });

  it.each([-1, 1441])('GIVEN a reminder of %d minutes THEN it is refused with the range 0-1440', (reminderMinutes) => {
    expect(problems({ reminderMinutes })).toEqual([{ kind: 'out-of-range', field: 'reminderMinutes', input: reminderMinutes, min: 0, max: 1440 }]);
  });

  it.each([0, 1440])('GIVEN a reminder of %d minutes (a limit; 0 is none) THEN it is accepted', (reminderMinutes) => {
    expect(problems({ reminderMinutes })).toEqual([]);
  });

  it('GIVEN an empty name THEN it is refused with the length range', () => {
    expect(problems({ name: '   ' })).toEqual([{ kind: 'name-length', field: 'name', length: 0, min: 1, max: 100 }]);
  });

  it('GIVEN a 101-character name THEN it is refused with the length range', () => {
    expect(problems({ name: 'x'.repeat(101) })).toEqual([{ kind: 'name-length', field: 'name', length: 101, min: 1, max: 100 }]);
  });

  it('GIVEN a format name that is not a slug THEN it is refused', () => {
    expect(problems({ format: 'My Format!' })).toEqual([{ kind: 'invalid-format-name', field: 'format', input: 'My Format!', maxLength: 32 }]);
  });

  it('GIVEN several bad fields THEN every problem is reported, in field order', () => {
    expect(problems({ name: '', time: '25:00', timezone: 'Nowhere', durationMinutes: 5 }).map((problem) => problem.field)).toEqual([
      'name',
      'time',
      'timezone',
      'durationMinutes',
    ]);
  });
});
