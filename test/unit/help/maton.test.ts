import { describe, expect, it } from 'vitest';
import {
  checkTypingRule,
  groupMedians,
  matonType,
  shareableDistribution,
  typeDistribution,
  typeGroup,
  type TypingRule,
} from '../../../src/domain/help/maton.ts';
import { group, tally } from './ledger-fixtures.ts';

const median: TypingRule = { mode: 'median' };

describe('Maton typing by median split', () => {
  it('GIVEN a member who gave and received above the median THEN they are typed bidirectional', () => {
    const types = typeGroup(group(tally('ann', 3, 3), tally('bob', 0, 0), tally('cat', 1, 1)), median);
    expect(types.get('ann')).toBe('bidirectional');
  });

  it('GIVEN a member who only gave THEN they are typed provider', () => {
    const types = typeGroup(group(tally('ann', 4, 0), tally('bob', 0, 2), tally('cat', 1, 1)), median);
    expect(types.get('ann')).toBe('provider');
  });

  it('GIVEN a member who only received THEN they are typed receiver', () => {
    const types = typeGroup(group(tally('ann', 4, 0), tally('bob', 0, 2), tally('cat', 1, 1)), median);
    expect(types.get('bob')).toBe('receiver');
  });

  it('GIVEN a member below the median on both axes THEN they are typed low', () => {
    const types = typeGroup(group(tally('ann', 4, 4), tally('bob', 0, 0), tally('cat', 2, 2)), median);
    expect(types.get('bob')).toBe('low');
  });

  it('GIVEN a member exactly at the median THEN the tie counts as high', () => {
    const types = typeGroup(group(tally('ann', 1, 1), tally('bob', 2, 2), tally('cat', 3, 3)), median);
    expect(types.get('bob')).toBe('bidirectional');
  });

  it('GIVEN members tied at the median THEN all of them are high', () => {
    const types = typeGroup(group(tally('ann', 2, 0), tally('bob', 2, 0), tally('cat', 2, 0)), median);
    expect([...types.values()]).toEqual(['provider', 'provider', 'provider']);
  });

  it('GIVEN an active member with zero counts THEN their zeros pull the median down', () => {
    // Without zero-count members the median given would be 2 and ann (1) would be low.
    const tallies = group(tally('ann', 1, 0), tally('bob', 2, 0), tally('cat', 3, 0), tally('dan', 0, 0), tally('eve', 0, 0));
    expect(groupMedians(tallies.values()).given).toBe(1);
    expect(typeGroup(tallies, median).get('ann')).toBe('provider');
  });

  it('GIVEN an axis where everyone has zero THEN nobody is high on it', () => {
    const types = typeGroup(group(tally('ann', 0, 2), tally('bob', 0, 0), tally('cat', 0, 1)), median);
    expect(types.get('ann')).toBe('receiver');
    expect(types.get('bob')).toBe('low');
  });

  it('GIVEN a group where most did nothing THEN anyone who did something once is high (the median is 0)', () => {
    const types = typeGroup(group(tally('ann', 1, 0), tally('bob', 0, 0), tally('cat', 0, 0)), median);
    expect(types.get('ann')).toBe('provider');
  });

  it('GIVEN an even-sized group THEN the median is the mean of the middle two', () => {
    expect(groupMedians([tally('a', 1, 0), tally('b', 2, 0), tally('c', 4, 0), tally('d', 9, 0)]).given).toBe(3);
  });

  it('GIVEN an even-sized group THEN a member just below the mean of the middle two is low', () => {
    const types = typeGroup(group(tally('a', 1, 0), tally('b', 2, 0), tally('c', 4, 0), tally('d', 9, 0)), median);
    expect(types.get('b')).toBe('low');
    expect(types.get('c')).toBe('provider');
  });

  it('GIVEN an even-sized group with a half median THEN a count equal to the upper middle is high', () => {
    const types = typeGroup(group(tally('a', 0, 0), tally('b', 1, 0)), median);
    expect(groupMedians([tally('a', 0, 0), tally('b', 1, 0)]).given).toBe(0.5);
    expect(types.get('b')).toBe('provider');
  });

  it('GIVEN a group of one who gave 1 and received 1 THEN they are bidirectional', () => {
    expect(typeGroup(group(tally('ann', 1, 1)), median).get('ann')).toBe('bidirectional');
  });

  it('GIVEN a group of one who did nothing THEN they are low', () => {
    expect(typeGroup(group(tally('ann', 0, 0, 2)), median).get('ann')).toBe('low');
  });

  it('GIVEN no group figures THEN the member is typed as a group of one', () => {
    expect(matonType(tally('ann', 1, 0), null, median)).toBe('provider');
    expect(matonType(tally('ann', 0, 0), null, median)).toBe('low');
  });

  it('GIVEN an empty group THEN its medians are zero and nobody is typed', () => {
    expect(groupMedians([])).toEqual({ given: 0, received: 0, activeMembers: 0 });
    expect(typeGroup(new Map(), median).size).toBe(0);
  });

  it('GIVEN requests but no help received THEN asking alone does not make a receiver', () => {
    expect(typeGroup(group(tally('ann', 0, 0, 5), tally('bob', 1, 0)), median).get('ann')).toBe('low');
  });
});

describe('Maton typing by absolute thresholds', () => {
  const rule: TypingRule = { mode: 'absolute', minGiven: 2, minReceived: 1 };

  it('GIVEN counts at the thresholds THEN the member is bidirectional', () => {
    expect(matonType(tally('ann', 2, 1), null, rule)).toBe('bidirectional');
  });

  it('GIVEN given one below its threshold THEN the member is not high on giving', () => {
    expect(matonType(tally('ann', 1, 1), null, rule)).toBe('receiver');
  });

  it('GIVEN absolute mode THEN the group median plays no part', () => {
    expect(matonType(tally('ann', 2, 0), { given: 10, received: 10, activeMembers: 3 }, rule)).toBe('provider');
  });

  it('GIVEN a zero threshold slipped through THEN a member who did nothing is still low', () => {
    expect(matonType(tally('ann', 0, 0), null, { mode: 'absolute', minGiven: 0, minReceived: 0 })).toBe('low');
  });

  it('GIVEN a configured threshold below one THEN the rule is refused by field', () => {
    expect(checkTypingRule({ mode: 'absolute', minGiven: 1, minReceived: 0 })).toEqual({
      ok: false,
      error: { kind: 'threshold-below-one', field: 'minReceived', value: 0 },
    });
    expect(checkTypingRule(rule).ok).toBe(true);
  });
});

describe('type distribution', () => {
  it('GIVEN types THEN every type is counted, absent ones as zero', () => {
    expect(typeDistribution(['low', 'provider', 'low'])).toEqual({ bidirectional: 0, provider: 1, receiver: 0, low: 2 });
  });

  it('GIVEN fewer members than the minimum group size THEN no figures are shared', () => {
    expect(shareableDistribution(['low', 'provider', 'low', 'receiver'])).toBeNull();
    expect(shareableDistribution(['low', 'provider', 'low', 'receiver', 'low'])).toMatchObject({ low: 3 });
  });
});
