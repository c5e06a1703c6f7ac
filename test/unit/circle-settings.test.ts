import { describe, expect, it } from 'vitest';
import { applyCircleSettingsChange, type CircleSettings } from '../../src/domain/circle/circle-settings.ts';
import { parseTimeOfDay } from '../../src/domain/circle/time-of-day.ts';
import { resolveTimezone, suggestTimezones } from '../../src/domain/circle/timezone.ts';

const actor = { userId: 'mod', at: new Date('2026-11-26T12:00:00Z') };

describe('circle set-up rules', () => {
  it('GIVEN a first set-up with only a channel THEN the documented defaults apply', () => {
    const result = applyCircleSettingsChange(undefined, { circleChannelId: 'c1' }, actor);
    expect(result).toEqual({
      ok: true,
      value: {
        circleChannelId: 'c1',
        moderatorRoleId: null,
        memberRoleId: null,
        modChannelId: null,
        timezone: 'UTC',
        crisisResources: null,
        crisisPingRoleId: null,
        reflectionDay: 'sun',
        reflectionTime: '18:00',
        updatedAt: '2026-11-26T12:00:00.000Z',
        updatedBy: 'mod',
      },
    });
  });

  it('GIVEN existing settings WHEN a moderator changes one option THEN the others are kept', () => {
    const first = applyCircleSettingsChange(undefined, { circleChannelId: 'c1', timezone: 'Asia/Kolkata', moderatorRoleId: 'r1' }, actor);
    const current = (first.ok ? first.value : undefined) as CircleSettings;
    const second = applyCircleSettingsChange(current, { circleChannelId: 'c2', reflectionTime: '9:05' }, actor);
    expect(second.ok).toBe(true);
    expect(second.ok && second.value).toMatchObject({ circleChannelId: 'c2', timezone: 'Asia/Kolkata', moderatorRoleId: 'r1', reflectionTime: '09:05' });
  });

  it('GIVEN Mars/Olympus THEN the time zone is refused by name', () => {
    expect(applyCircleSettingsChange(undefined, { circleChannelId: 'c1', timezone: 'Mars/Olympus' }, actor)).toEqual({
      ok: false,
      error: { kind: 'unknown-timezone', input: 'Mars/Olympus' },
    });
  });

  it('GIVEN crisis text over the limit or blank THEN it is refused', () => {
    const long = applyCircleSettingsChange(undefined, { circleChannelId: 'c1', crisisResources: 'x'.repeat(1001) }, actor);
    expect(long.ok ? undefined : long.error).toEqual({ kind: 'crisis-resources-too-long', length: 1001, max: 1000 });
    const blank = applyCircleSettingsChange(undefined, { circleChannelId: 'c1', crisisResources: '   ' }, actor);
    expect(blank.ok ? undefined : blank.error).toEqual({ kind: 'crisis-resources-empty' });
  });
});

describe('times of day', () => {
  it.each(['18:00', '0:00', '23:59', ' 07:30 '])('GIVEN %j THEN it is read', (input) => {
    expect(parseTimeOfDay(input).ok).toBe(true);
  });

  it.each(['24:00', '18:60', '6pm', '18', '18:0', ''])('GIVEN %j THEN it is refused', (input) => {
    expect(parseTimeOfDay(input)).toEqual({ ok: false, error: 'invalid-time' });
  });
});

describe('time zones', () => {
  it('GIVEN a zone typed in lower case THEN it is stored as the runtime spells it', () => {
    expect(resolveTimezone('europe/london')).toEqual({ ok: true, value: 'Europe/London' });
  });

  it('GIVEN a newer spelling of a zone THEN the name the group chose is kept', () => {
    expect(resolveTimezone('Asia/Kolkata')).toEqual({ ok: true, value: 'Asia/Kolkata' });
  });

  it.each(['Mars/Olympus', '+02:00', '', 'Europe/'])('GIVEN %j THEN it is not a time zone', (input) => {
    expect(resolveTimezone(input).ok).toBe(false);
  });

  it('GIVEN a city typed in lower case THEN the matching zone is suggested first', () => {
    expect(suggestTimezones('london')[0]).toBe('Europe/London');
    expect(suggestTimezones('new york')[0]).toBe('America/New_York');
  });

  it('GIVEN nothing typed THEN at most 25 zones are suggested, UTC first', () => {
    const zones = suggestTimezones('');
    expect(zones).toHaveLength(25);
    expect(zones[0]).toBe('UTC');
  });
});
