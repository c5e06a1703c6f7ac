import { describe, expect, it } from 'vitest';
import { membersOf, type LedgerEvent } from '../../../src/domain/help/ledger-events.ts';
import { addEvent, dailyTallies, emptyTally, mergeTallies, tallyEvents, type MemberTally } from '../../../src/domain/help/tally.ts';
import { closed, committed, confirmed, offered, opened, reported } from './ledger-fixtures.ts';

const june = { from: new Date('2026-06-01T00:00:00Z'), to: new Date('2026-06-29T00:00:00Z') };

describe('membersOf', () => {
  it('GIVEN an offer between two members THEN it is about both of them', () => {
    expect(membersOf(offered('ann', 'bob', '2026-06-02T10:00:00Z'))).toEqual(['ann', 'bob']);
  });

  it('GIVEN a self-offer THEN the member is named once', () => {
    expect(membersOf(offered('ann', 'ann', '2026-06-02T10:00:00Z'))).toEqual(['ann']);
  });

  it('GIVEN an anonymous request THEN it is still about the asker (for their export and delete)', () => {
    expect(membersOf(opened('ann', '2026-06-02T10:00:00Z', 'r1', true))).toEqual(['ann']);
  });

  it('GIVEN a task committed or reported on THEN it is about the member whose task it is', () => {
    expect(membersOf(committed('ann', '2026-06-02T10:00:00Z', 't1', 'm1'))).toEqual(['ann']);
    expect(membersOf(reported('ann', '2026-06-09T10:00:00Z', 't1', 'not-done'))).toEqual(['ann']);
  });

  it('GIVEN a kind added by a later issue THEN its memberId is the member it is about', () => {
    const attendance = { id: 'x', at: '2026-06-02T10:00:00Z', kind: 'attended', memberId: 'cat', meetingId: 'm1' } as unknown as LedgerEvent;
    expect(membersOf(attendance)).toEqual(['cat']);
  });
});

describe('tallying the ledger', () => {
  it('GIVEN an offer from ann to bob THEN ann gave one and bob received one', () => {
    const tallies = tallyEvents([offered('ann', 'bob', '2026-06-02T10:00:00Z')], june);
    expect(tallies.get('ann')).toEqual({ ...emptyTally('ann'), given: 1 });
    expect(tallies.get('bob')).toEqual({ ...emptyTally('bob'), received: 1 });
  });

  it('GIVEN a self-offer THEN the member is active but gave and received nothing', () => {
    const tallies = tallyEvents([offered('ann', 'ann', '2026-06-02T10:00:00Z'), confirmed('ann', 'ann', '2026-06-02T11:00:00Z')], june);
    expect(tallies.get('ann')).toEqual(emptyTally('ann'));
    expect(tallies.size).toBe(1);
  });

  it('GIVEN requests opened, anonymous or not THEN each counts as a request by the asker', () => {
    const tallies = tallyEvents([opened('ann', '2026-06-02T10:00:00Z', 'r1'), opened('ann', '2026-06-03T10:00:00Z', 'r2', true)], june);
    expect(tallies.get('ann')?.requests).toBe(2);
  });

  it('GIVEN a confirmed offer THEN confirmations are counted apart from offers', () => {
    const tallies = tallyEvents([offered('ann', 'bob', '2026-06-02T10:00:00Z', 'o1'), confirmed('ann', 'bob', '2026-06-02T12:00:00Z', 'o1')], june);
    expect(tallies.get('ann')).toMatchObject({ given: 1, confirmedGiven: 1, received: 0 });
    expect(tallies.get('bob')).toMatchObject({ received: 1, confirmedReceived: 1, given: 0 });
  });

  it('GIVEN only a closed request THEN the member is active with zero counts', () => {
    expect(tallyEvents([closed('ann', '2026-06-02T10:00:00Z')], june).get('ann')).toEqual(emptyTally('ann'));
  });

  it('GIVEN only task events THEN the member is active and gave, received and asked nothing', () => {
    const tallies = tallyEvents([committed('ann', '2026-06-02T10:00:00Z', 't1'), reported('ann', '2026-06-09T10:00:00Z', 't1', 'partly')], june);
    expect([...tallies.keys()]).toEqual(['ann']);
    expect(tallies.get('ann')).toEqual(emptyTally('ann'));
  });

  it('GIVEN task events beside an offer THEN the counts are those of the offer alone', () => {
    const tallies = tallyEvents(
      [offered('ann', 'bob', '2026-06-02T10:00:00Z'), committed('bob', '2026-06-02T11:00:00Z'), reported('ann', '2026-06-03T11:00:00Z')],
      june,
    );
    expect(tallies.get('ann')).toEqual({ ...emptyTally('ann'), given: 1 });
    expect(tallies.get('bob')).toEqual({ ...emptyTally('bob'), received: 1 });
  });

  it('GIVEN an unknown later kind THEN it makes its member active and counts nothing', () => {
    const checkIn = { id: 'x', at: '2026-06-02T10:00:00Z', kind: 'check-in', memberId: 'cat', giverId: 'ann', receiverId: 'bob' } as unknown as LedgerEvent;
    const tallies = tallyEvents([checkIn], june);
    expect([...tallies.keys()]).toEqual(['cat']);
    expect(tallies.get('cat')).toEqual(emptyTally('cat'));
  });

  it('GIVEN events at the window edges THEN from is included and to is excluded', () => {
    const tallies = tallyEvents(
      [
        offered('ann', 'bob', '2026-05-31T23:59:59.999Z'),
        offered('ann', 'bob', '2026-06-01T00:00:00.000Z'),
        offered('ann', 'bob', '2026-06-28T23:59:59.999Z'),
        offered('ann', 'bob', '2026-06-29T00:00:00.000Z'),
      ],
      june,
    );
    expect(tallies.get('ann')?.given).toBe(2);
  });

  it('GIVEN times written with an offset or without milliseconds THEN they are placed by their instant', () => {
    const tallies = tallyEvents(
      [
        offered('ann', 'bob', '2026-06-01T01:59:59+02:00'), // 2026-05-31T23:59:59Z: before the window
        offered('cat', 'dan', '2026-06-01T02:00:00+02:00'), // exactly from: inside
        offered('eve', 'fay', '2026-06-28T23:59:59Z'),
        offered('gus', 'hal', '2026-06-29T05:30:00+05:30'), // exactly to: outside
      ],
      june,
    );
    expect([...tallies.keys()]).toEqual(['cat', 'dan', 'eve', 'fay']);
  });

  it('GIVEN an event whose time cannot be read THEN it is left out', () => {
    expect(tallyEvents([opened('ann', 'soon')], june).size).toBe(0);
  });

  it('GIVEN only events outside the window THEN nobody is active', () => {
    expect(tallyEvents([opened('ann', '2026-07-01T00:00:00Z')], june).size).toBe(0);
  });

  it('GIVEN addEvent on an existing map THEN it adds to the counts already there', () => {
    const tallies = new Map<string, MemberTally>([['ann', { ...emptyTally('ann'), given: 2 }]]);
    addEvent(tallies, offered('ann', 'bob', '2026-06-02T10:00:00Z'));
    expect(tallies.get('ann')?.given).toBe(3);
  });
});

describe('merging aggregates', () => {
  const history: LedgerEvent[] = [];
  const members = ['ann', 'bob', 'cat', 'dan'];
  for (let i = 0; i < 200; i += 1) {
    const at = new Date(Date.UTC(2026, 5, 1) + i * 3_600_000 * 3.3).toISOString();
    const giver = members[i % 4]!;
    const receiver = members[(i * 7 + 1) % 4]!;
    history.push(i % 5 === 0 ? opened(giver, at) : i % 3 === 0 ? confirmed(giver, receiver, at) : offered(giver, receiver, at));
  }

  it('GIVEN daily parts THEN merging them equals tallying every event at once', () => {
    const days = dailyTallies(history, 'Europe/London');
    expect(days.size).toBeGreaterThan(20);
    expect(mergeTallies(days.values())).toEqual(tallyEvents(history, { from: new Date(0), to: new Date('2100-01-01T00:00:00Z') }));
  });

  it('GIVEN parts THEN merging leaves the parts unchanged', () => {
    const part = new Map([['ann', { ...emptyTally('ann'), given: 1 }]]);
    mergeTallies([part, part]);
    expect(part.get('ann')?.given).toBe(1);
  });

  it('GIVEN no parts THEN the merge is empty', () => {
    expect(mergeTallies([]).size).toBe(0);
  });
});
