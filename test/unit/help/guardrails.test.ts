import { describe, expect, it } from 'vitest';
import { checkOverHelpingRule, DEFAULT_OVER_HELPING, shouldInviteToRest } from '../../../src/domain/help/over-helping.ts';
import { suggestionFor } from '../../../src/domain/help/suggestion.ts';
import { tally } from './ledger-fixtures.ts';

const now = new Date('2026-06-28T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

describe('over-helping guard', () => {
  it('GIVEN six offers given, nothing received or asked, never invited THEN the member is invited to rest', () => {
    expect(shouldInviteToRest(tally('ann', 6, 0, 0), null, now, DEFAULT_OVER_HELPING)).toBe(true);
  });

  it('GIVEN five offers given THEN it is below the threshold and nobody is invited', () => {
    expect(shouldInviteToRest(tally('ann', 5, 0, 0), null, now, DEFAULT_OVER_HELPING)).toBe(false);
  });

  it('GIVEN a heavy giver who received help once THEN they are not invited', () => {
    expect(shouldInviteToRest(tally('ann', 20, 1, 0), null, now, DEFAULT_OVER_HELPING)).toBe(false);
  });

  it('GIVEN a heavy giver who asked once THEN they are not invited (they do bring their needs)', () => {
    expect(shouldInviteToRest(tally('ann', 20, 0, 1), null, now, DEFAULT_OVER_HELPING)).toBe(false);
  });

  it('GIVEN an invitation six days ago THEN the cooldown holds the next one back', () => {
    expect(shouldInviteToRest(tally('ann', 9, 0, 0), daysAgo(6.99), now, DEFAULT_OVER_HELPING)).toBe(false);
  });

  it('GIVEN an invitation exactly seven days ago THEN the member may be invited again', () => {
    expect(shouldInviteToRest(tally('ann', 9, 0, 0), daysAgo(7), now, DEFAULT_OVER_HELPING)).toBe(true);
  });

  it('GIVEN an invitation dated after now THEN it counts as recent', () => {
    expect(shouldInviteToRest(tally('ann', 9, 0, 0), daysAgo(-1), now, DEFAULT_OVER_HELPING)).toBe(false);
  });

  it('GIVEN looser configured thresholds THEN they are used instead of the defaults', () => {
    const rule = { minGiven: 3, maxReceived: 1, maxRequests: 1, cooldownDays: 1 };
    expect(shouldInviteToRest(tally('ann', 3, 1, 1), daysAgo(1), now, rule)).toBe(true);
    expect(shouldInviteToRest(tally('ann', 3, 2, 1), daysAgo(1), now, rule)).toBe(false);
  });

  it('GIVEN a minimum of zero offers slipped through THEN a member who gave nothing is never invited', () => {
    expect(shouldInviteToRest(tally('ann', 0, 0, 0), null, now, { ...DEFAULT_OVER_HELPING, minGiven: 0 })).toBe(false);
  });

  it('GIVEN a configured minimum of zero offers THEN the rule is refused by field', () => {
    expect(checkOverHelpingRule({ ...DEFAULT_OVER_HELPING, minGiven: 0 })).toEqual({
      ok: false,
      error: { kind: 'invalid-over-helping-threshold', field: 'minGiven', value: 0, min: 1 },
    });
    expect(checkOverHelpingRule(DEFAULT_OVER_HELPING).ok).toBe(true);
  });

  it('GIVEN the documented defaults THEN they are 6 given, 0 received, 0 requests, 7 days', () => {
    expect(DEFAULT_OVER_HELPING).toEqual({ minGiven: 6, maxReceived: 0, maxRequests: 0, cooldownDays: 7 });
  });
});

describe('suggestions by type', () => {
  it.each(['receiver', 'provider', 'bidirectional', 'low'] as const)(
    'GIVEN a %s who is not over-helping THEN the suggestion is the one written for that type',
    (type) => {
      expect(suggestionFor(type, false)).toBe(`suggest.${type}`);
    },
  );

  it('GIVEN an over-helping provider THEN the invitation to rest wins', () => {
    expect(suggestionFor('provider', true)).toBe('suggest.rest');
  });
});
