import { describe, expect, it } from 'vitest';
import { chairSuggestion } from '../../../src/domain/meetings/chair.ts';

const now = new Date('2026-06-01T18:00:00Z');
const member = (memberId: string, lastChairedAt: string | null, optedIn = true) => ({ memberId, optedIn, lastChairedAt });

describe('suggesting a chair by rotation', () => {
  it('GIVEN no recent attendees THEN there is no suggestion', () => {
    expect(chairSuggestion([], now)).toBeNull();
  });

  it('GIVEN only attendees who did not opt in THEN there is no suggestion', () => {
    expect(chairSuggestion([member('1', null, false), member('2', null, false)], now)).toBeNull();
  });

  it('GIVEN someone who never chaired THEN they come before anyone who has', () => {
    expect(chairSuggestion([member('1', '2026-01-01T00:00:00Z'), member('2', null)], now)).toBe('2');
  });

  it('GIVEN everyone has chaired THEN the one who chaired least recently is suggested', () => {
    expect(chairSuggestion([member('1', '2026-05-25T18:00:00Z'), member('2', '2026-05-11T18:00:00Z'), member('3', '2026-05-18T18:00:00Z')], now)).toBe('2');
  });

  it('GIVEN the least recent chair did not opt in THEN the next in rotation is suggested', () => {
    expect(chairSuggestion([member('1', '2026-05-25T18:00:00Z'), member('2', '2026-05-11T18:00:00Z', false)], now)).toBe('1');
  });

  it('GIVEN a tie THEN the smaller member id wins, comparing snowflakes as numbers', () => {
    expect(chairSuggestion([member('900000000000000000', null), member('1000000000000000000', null)], now)).toBe('900000000000000000');
  });

  it('GIVEN a member listed twice THEN their latest chairing counts', () => {
    const list = [member('1', '2026-01-01T00:00:00Z'), member('1', '2026-05-25T18:00:00Z'), member('2', '2026-03-01T00:00:00Z')];
    expect(chairSuggestion(list, now)).toBe('2');
  });

  it('GIVEN a member listed twice and one entry not opted in THEN they are not suggested', () => {
    expect(chairSuggestion([member('1', null, true), member('1', null, false), member('2', '2026-05-25T18:00:00Z')], now)).toBe('2');
  });

  it('GIVEN a chairing date after now (clock skew) THEN it counts as now, not as the far future', () => {
    // Both count as "now": the tie goes to the smaller id, not to whoever has the later bogus date.
    expect(chairSuggestion([member('2', '2026-06-01T18:00:00Z'), member('1', '2099-01-01T00:00:00Z')], now)).toBe('1');
  });

  it('GIVEN a rotation of three meetings THEN each opted-in member chairs once before anyone chairs twice', () => {
    const history = new Map<string, string | null>([
      ['1', null],
      ['2', null],
      ['3', null],
    ]);
    const chairs: string[] = [];
    for (let week = 0; week < 3; week++) {
      const meeting = new Date(Date.UTC(2026, 5, 1 + week * 7, 18));
      const chair = chairSuggestion(
        [...history].map(([id, last]) => member(id, last)),
        meeting,
      )!;
      chairs.push(chair);
      history.set(chair, meeting.toISOString());
    }
    expect(chairs).toEqual(['1', '2', '3']);
  });
});
