import { describe, expect, it } from 'vitest';
import { composeReflection, promptForWeek, reflectionWeekKey, weekNumber } from '../../../src/domain/reflections/weekly-reflection.ts';
import { acted, committed, confirmed, EXACTLY, inputFor, offered, opened, reported } from './fixtures.ts';

// The week reflected on: Monday 8 to Sunday 14 June 2026 in London (BST, UTC+1), so
// [2026-06-07T23:00Z, 2026-06-14T23:00Z). "Last week" is Monday 1 to Sunday 7 June.
const WEEK = '2026-06-10T12:00:00.000Z';
const LAST_WEEK = '2026-06-03T12:00:00.000Z';
const AFTER = '2026-06-15T10:00:00.000Z';

/**
 * A hand-made week. Meetings m1 (ann, bob, cat; ann acting twice) and m2 (ann, dan); eve checked in to
 * m0 last week. Requests: bob's rq1 (ann offers: answered), cat's rq2 (only cat herself offers in the
 * week, dan offers after it ends), dan's rq3 (no offer), eve's rq0 from last week (fay offers this week),
 * hal's rq9 after the week. Offers: ann->bob, fay->eve made; bob confirms ann's, ann confirms gus's offer
 * from last week. Tasks: ann and bob commit, ann reports twice on t1, cat reports last week's t0.
 */
const ledger = [
  acted('eve', 'm0', '2026-06-03T18:00:00.000Z'),
  opened('eve', '2026-06-03T10:00:00.000Z', 'rq0'),
  offered('gus', 'ann', '2026-06-04T10:00:00.000Z', 'rq-ann', 'off0'),
  committed('cat', '2026-06-03T19:00:00.000Z', 't0'),
  committed('dan', '2026-06-03T19:00:00.000Z', 't-old'),

  acted('ann', 'm1', '2026-06-09T18:00:00.000Z'),
  acted('ann', 'm1', '2026-06-09T18:30:00.000Z', 'offer-help'),
  acted('bob', 'm1', '2026-06-09T18:01:00.000Z'),
  acted('cat', 'm1', '2026-06-09T18:02:00.000Z'),
  acted('ann', 'm2', '2026-06-12T18:00:00.000Z'),
  acted('dan', 'm2', '2026-06-12T18:01:00.000Z'),

  opened('bob', '2026-06-08T09:00:00.000Z', 'rq1'),
  offered('ann', 'bob', '2026-06-08T10:00:00.000Z', 'rq1', 'off1'),
  opened('cat', '2026-06-10T09:00:00.000Z', 'rq2'),
  offered('cat', 'cat', '2026-06-10T09:30:00.000Z', 'rq2', 'off-self'),
  offered('dan', 'cat', '2026-06-15T09:00:00.000Z', 'rq2', 'off-late'),
  opened('dan', '2026-06-14T22:30:00.000Z', 'rq3'), // Sunday 23:30 local: still this week
  offered('fay', 'eve', '2026-06-11T10:00:00.000Z', 'rq0', 'off2'),
  opened('hal', AFTER, 'rq9'),

  confirmed('ann', 'bob', '2026-06-09T10:00:00.000Z', 'off1', 'rq1'),
  confirmed('gus', 'ann', '2026-06-10T10:00:00.000Z', 'off0', 'rq-ann'),

  committed('ann', '2026-06-09T19:00:00.000Z', 't1'),
  committed('bob', '2026-06-09T19:00:00.000Z', 't2'),
  reported('ann', '2026-06-11T19:00:00.000Z', 't1'),
  reported('ann', '2026-06-12T19:00:00.000Z', 't1'),
  reported('cat', '2026-06-09T18:05:00.000Z', 't0'),
];

describe('the week in numbers, from a hand-made ledger', () => {
  const reflection = composeReflection(inputFor(WEEK, ledger, { openRequestsNow: 7 }));

  it('GIVEN the week reflected on THEN its window runs Monday to Monday local time, keyed by its Monday', () => {
    expect(reflection.week).toEqual({ from: new Date('2026-06-07T23:00:00.000Z'), to: new Date('2026-06-14T23:00:00.000Z'), key: '2026-06-08' });
  });

  it('GIVEN two meetings this week and one last week THEN two were held', () => {
    expect(reflection.meetings.held).toBe(2);
  });

  it('GIVEN a member acting twice in one meeting THEN attendances count each member once per meeting', () => {
    expect(reflection.meetings.attendances).toBe(5);
  });

  it('GIVEN a member at both meetings THEN attendees count them once', () => {
    expect(reflection.meetings.attendees).toBe(4);
  });

  it('GIVEN three requests opened this week, one last week and one after THEN three were raised', () => {
    expect(reflection.requests.raised).toBe(3);
  });

  it("GIVEN offers on this week's requests THEN only one made by another member before the week ended answers one", () => {
    expect(reflection.requests.answered).toBe(1);
  });

  it('GIVEN open requests counted by storage THEN still open is that number', () => {
    expect(reflection.requests.stillOpen).toBe(7);
  });

  it('GIVEN offers between members this week, a self-offer and one after THEN two offers were made', () => {
    expect(reflection.offers.made).toBe(2);
  });

  it('GIVEN confirmations this week, one of an offer made last week THEN both are counted', () => {
    expect(reflection.offers.confirmed).toBe(2);
  });

  it('GIVEN two tasks committed this week and one last week THEN two were committed', () => {
    expect(reflection.tasks.committed).toBe(2);
  });

  it('GIVEN a task reported twice and one committed last week reported this week THEN two were reported', () => {
    expect(reflection.tasks.reported).toBe(2);
  });

  it('GIVEN givers, receivers, askers and attendees this week THEN each active member counts once', () => {
    // ann, bob, cat, dan, eve and fay (offer), gus (his offer confirmed); not hal (after the week).
    expect(reflection.activeMembers).toBe(7);
  });

  it('GIVEN a ledger full of member, meeting, request and offer ids THEN none of them appears in the reflection', () => {
    const text = JSON.stringify(reflection);
    for (const id of ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal', 'm0', 'm1', 'm2', 'rq1', 'rq2', 'off1', 't1']) {
      expect(text).not.toContain(`"${id}"`);
    }
  });
});

describe('answered requests', () => {
  const answered = (...events: ReturnType<typeof opened>[]) => composeReflection(inputFor(WEEK, events, EXACTLY)).requests.answered;

  it('GIVEN the asker offered on their own request and then someone else did THEN it is answered', () => {
    expect(
      answered(
        opened('ann', '2026-06-08T09:00:00.000Z', 'rq'),
        offered('ann', 'ann', '2026-06-08T09:30:00.000Z', 'rq'),
        offered('bob', 'ann', '2026-06-09T09:30:00.000Z', 'rq'),
      ),
    ).toBe(1);
  });

  it('GIVEN only the asker offered, twice THEN it is not answered', () => {
    expect(
      answered(
        opened('ann', '2026-06-08T09:00:00.000Z', 'rq'),
        offered('ann', 'ann', '2026-06-08T09:30:00.000Z', 'rq'),
        offered('ann', 'ann', '2026-06-09T09:30:00.000Z', 'rq'),
      ),
    ).toBe(0);
  });

  it('GIVEN an offer at the last minute of the week THEN the request is answered', () => {
    expect(answered(opened('ann', '2026-06-08T09:00:00.000Z', 'rq'), offered('bob', 'ann', '2026-06-14T22:59:00.000Z', 'rq'))).toBe(1);
  });
});

describe('no member ids, whatever they look like', () => {
  it('GIVEN Discord snowflake member ids THEN none appears anywhere in the reflection', () => {
    const ids = ['112233445566778899', '223344556677889900', '334455667788990011', '445566778899001122', '556677889900112233'];
    const events = ids.flatMap((id, index) => [
      acted(id, 'meeting-998877', `2026-06-09T18:0${index}:00.000Z`),
      offered(id, ids[(index + 1) % ids.length]!, `2026-06-10T1${index}:00:00.000Z`),
    ]);
    const text = JSON.stringify(composeReflection(inputFor(WEEK, events)));
    for (const id of ids) expect(text).not.toContain(id);
  });
});

describe('the balance of giving and receiving (Maton), shown only to a big enough week', () => {
  const five = ['a1', 'a2', 'a3', 'a4', 'a5'];
  // a1 -> a2 and a3 -> a4 this week; a5 only checks in. Median given and received are 0.
  const thisWeek = [
    offered('a1', 'a2', '2026-06-09T10:00:00.000Z'),
    offered('a3', 'a4', '2026-06-09T11:00:00.000Z'),
    acted('a5', 'm1', '2026-06-09T18:00:00.000Z'),
  ];

  it('GIVEN four members active this week THEN no breakdown is shown', () => {
    const events = [offered('a1', 'a2', '2026-06-09T10:00:00.000Z'), offered('a3', 'a4', '2026-06-09T11:00:00.000Z')];
    expect(composeReflection(inputFor(WEEK, events)).balance).toEqual({ shown: false });
  });

  it('GIVEN five members active this week THEN the breakdown of their types is shown', () => {
    const balance = composeReflection(inputFor(WEEK, thisWeek, EXACTLY)).balance;
    expect(balance.shown && balance.counts).toEqual({ bidirectional: 0, provider: 2, receiver: 2, low: 1 });
  });

  it('GIVEN type counts below the threshold of five THEN each reads "a few", and none stays 0', () => {
    const balance = composeReflection(inputFor(WEEK, thisWeek)).balance;
    expect(balance.shown && balance.counts).toEqual({ bidirectional: 0, provider: 'few', receiver: 'few', low: 'few' });
  });

  it('GIVEN five members of one type THEN that count is shown exactly', () => {
    const givers = ['g1', 'g2', 'g3', 'g4', 'g5'];
    const events = givers.map((id, index) => offered(id, `r${index + 1}`, `2026-06-09T1${index}:00:00.000Z`));
    const balance = composeReflection(inputFor(WEEK, events)).balance;
    expect(balance.shown && balance.counts).toEqual({ bidirectional: 0, provider: 5, receiver: 5, low: 0 });
  });

  it('GIVEN a threshold configured at six THEN five active members see no breakdown', () => {
    expect(composeReflection(inputFor(WEEK, thisWeek, { minActiveForBreakdown: 6 })).balance).toEqual({ shown: false });
  });

  it('GIVEN four active this week and many active earlier in the window THEN still no breakdown', () => {
    const earlier = ['b1', 'b2', 'b3', 'b4', 'b5'].map((id) => acted(id, 'm0', '2026-06-03T18:00:00.000Z'));
    const events = [...earlier, offered('a1', 'a2', '2026-06-09T10:00:00.000Z'), offered('a3', 'a4', '2026-06-09T11:00:00.000Z')];
    expect(composeReflection(inputFor(WEEK, events)).balance).toEqual({ shown: false });
  });

  it('GIVEN a member active three weeks ago THEN they are typed in the 28-day window; one active five weeks ago is not', () => {
    const events = [...thisWeek, acted('old', 'm-3', '2026-05-20T18:00:00.000Z'), acted('older', 'm-5', '2026-05-06T18:00:00.000Z')];
    const balance = composeReflection(inputFor(WEEK, events, EXACTLY)).balance;
    expect(balance.shown && balance.counts).toEqual({ bidirectional: 0, provider: 2, receiver: 2, low: 2 });
  });

  it('GIVEN the typing window starts on a Monday THEN an event at its first minute counts and one a minute before does not', () => {
    // 28 days ending Sunday 14 June: from Monday 18 May 00:00 BST (2026-05-17T23:00Z).
    const events = [...thisWeek, acted('in', 'm', '2026-05-17T23:00:00.000Z'), acted('out', 'm', '2026-05-17T22:59:00.000Z')];
    const balance = composeReflection(inputFor(WEEK, events, EXACTLY)).balance;
    expect(balance.shown && balance.counts.low).toBe(2);
  });

  it("GIVEN five members active last week too THEN the change since last week's typing is given per type", () => {
    // Last week b1 -> b2, b3..b5 check in: {provider 1, receiver 1, low 3}. This week's 28 days hold
    // both groups: {provider 3, receiver 3, low 4}.
    const lastWeek = [offered('b1', 'b2', '2026-06-02T10:00:00.000Z'), ...['b3', 'b4', 'b5'].map((id) => acted(id, 'm0', '2026-06-03T18:00:00.000Z'))];
    const balance = composeReflection(inputFor(WEEK, [...lastWeek, ...thisWeek], EXACTLY)).balance;
    expect(balance.shown && balance.change).toEqual({ provider: 2, receiver: 2, low: 1 });
  });

  it('GIVEN changes smaller than the threshold of five THEN they are left out, and a change of five is given', () => {
    // Last week five members only check in: {low 5}. This week five more each offer help to a sixth; the
    // 28 days hold both groups: {provider 5, receiver 1, low 5}. Changes: provider +5, receiver +1, low 0.
    const lastWeek = ['b1', 'b2', 'b3', 'b4', 'b5'].map((id) => acted(id, 'm0', LAST_WEEK));
    const givers = ['g1', 'g2', 'g3', 'g4', 'g5'].map((id, index) => offered(id, 'r1', `2026-06-09T1${index}:00:00.000Z`));
    const balance = composeReflection(inputFor(WEEK, [...lastWeek, ...givers])).balance;
    expect(balance.shown && balance.change).toEqual({ provider: 5 });
  });

  it('GIVEN only four members active last week THEN there is no change to show', () => {
    const lastWeek = [offered('b1', 'b2', '2026-06-02T10:00:00.000Z'), ...['b3', 'b4'].map((id) => acted(id, 'm0', LAST_WEEK))];
    const balance = composeReflection(inputFor(WEEK, [...lastWeek, ...thisWeek])).balance;
    expect(balance).toMatchObject({ shown: true, change: null });
  });

  it("GIVEN last week's typing THEN it uses the 28 days ending last week, not this week's events", () => {
    // b-members active last week, a-members only this week; a member active 4.5 weeks before this
    // week's end is in last week's window only.
    const lastWeek = ['b1', 'b2', 'b3', 'b4', 'b5'].map((id) => acted(id, 'm0', LAST_WEEK));
    const onlyLastWindow = offered('x1', 'x2', '2026-05-14T10:00:00.000Z');
    const balance = composeReflection(inputFor(WEEK, [onlyLastWindow, ...lastWeek, ...thisWeek], EXACTLY)).balance;
    // Last week: x1 provider, x2 receiver, b1..b5 low. This week: a1, a3 providers, a2, a4 receivers, a5 and b1..b5 low.
    expect(balance.shown && balance.change).toEqual({ provider: 1, receiver: 1, low: 1 });
  });

  it('GIVEN the absolute typing rule THEN members are typed by its thresholds', () => {
    const events = [...thisWeek, offered('a1', 'a2', '2026-06-10T10:00:00.000Z')];
    const balance = composeReflection(inputFor(WEEK, events, { ...EXACTLY, typing: { mode: 'absolute', minGiven: 2, minReceived: 2 } })).balance;
    expect(balance.shown && balance.counts).toEqual({ bidirectional: 0, provider: 1, receiver: 1, low: 3 });
  });

  it('GIVEN a breakdown THEN its counts cover every member active in the window', () => {
    const balance = composeReflection(inputFor(WEEK, thisWeek, EXACTLY)).balance;
    const total = balance.shown ? Object.values(balance.counts).reduce<number>((sum, n) => sum + (n === 'few' ? Number.NaN : n), 0) : 0;
    expect(total).toBe(five.length);
  });
});

describe("week boundaries in the group's time zone", () => {
  const tasks = (reflectionAt: string, timezone: string, ...times: string[]) =>
    composeReflection(
      inputFor(
        reflectionAt,
        times.map((at) => committed('ann', at)),
        { ...EXACTLY, timezone },
      ),
    ).tasks.committed;

  it('GIVEN London in summer THEN Sunday 23:30 before the week is out and Monday 00:30 is in', () => {
    expect(tasks(WEEK, 'Europe/London', '2026-06-07T22:30:00.000Z', '2026-06-07T23:30:00.000Z')).toBe(1);
  });

  it("GIVEN London in summer THEN the week's last Sunday 23:30 is in and the next Monday 00:30 is out", () => {
    expect(tasks(WEEK, 'Europe/London', '2026-06-14T22:30:00.000Z', '2026-06-14T23:30:00.000Z')).toBe(1);
  });

  it('GIVEN Kolkata (UTC+05:30) THEN Sunday 23:30 before the week is out and Monday 00:30 is in', () => {
    expect(tasks(WEEK, 'Asia/Kolkata', '2026-06-07T18:00:00.000Z', '2026-06-07T19:00:00.000Z')).toBe(1);
  });

  it("GIVEN Kolkata (UTC+05:30) THEN the week's last Sunday 23:30 is in and the next Monday 00:30 is out", () => {
    expect(tasks(WEEK, 'Asia/Kolkata', '2026-06-14T18:00:00.000Z', '2026-06-14T19:00:00.000Z')).toBe(1);
  });

  it('GIVEN Kolkata THEN the week is keyed by its local Monday and starts at 18:30 UTC the day before', () => {
    const { week } = composeReflection(inputFor('2026-06-07T19:00:00.000Z', [], { timezone: 'Asia/Kolkata' }));
    expect(week).toEqual({ from: new Date('2026-06-07T18:30:00.000Z'), to: new Date('2026-06-14T18:30:00.000Z'), key: '2026-06-08' });
  });

  it('GIVEN the London week the clocks go forward THEN it lasts 167 hours, from Monday 00:00 GMT to Monday 00:00 BST', () => {
    const { week } = composeReflection(inputFor('2026-03-26T12:00:00.000Z', []));
    expect(week).toEqual({ from: new Date('2026-03-23T00:00:00.000Z'), to: new Date('2026-03-29T23:00:00.000Z'), key: '2026-03-23' });
  });

  it('GIVEN the London week the clocks go forward THEN Sunday 23:30 BST is in and Monday 00:30 BST is out', () => {
    expect(tasks('2026-03-26T12:00:00.000Z', 'Europe/London', '2026-03-29T22:30:00.000Z', '2026-03-29T23:30:00.000Z')).toBe(1);
  });

  it('GIVEN the London week the clocks go back THEN it runs from Monday 00:00 BST to Monday 00:00 GMT (169 hours)', () => {
    // 25 October 2026 is the last Sunday of October.
    const { week } = composeReflection(inputFor('2026-10-22T12:00:00.000Z', []));
    expect(week).toEqual({ from: new Date('2026-10-18T23:00:00.000Z'), to: new Date('2026-10-26T00:00:00.000Z'), key: '2026-10-19' });
  });

  it('GIVEN the London week the clocks go back THEN Sunday 23:30 GMT is in and Monday 00:30 GMT after it is out', () => {
    expect(tasks('2026-10-22T12:00:00.000Z', 'Europe/London', '2026-10-25T23:30:00.000Z', '2026-10-26T00:30:00.000Z')).toBe(1);
  });

  it('GIVEN an instant on Sunday evening local time THEN its week key is the Monday before', () => {
    expect(reflectionWeekKey(new Date('2026-06-14T17:00:00.000Z'), 'Europe/London')).toBe('2026-06-08');
  });

  it('GIVEN an instant that is already Monday in Kolkata but Sunday in London THEN the week keys differ', () => {
    const instant = new Date('2026-06-14T20:00:00.000Z');
    expect([reflectionWeekKey(instant, 'Asia/Kolkata'), reflectionWeekKey(instant, 'Europe/London')]).toEqual(['2026-06-15', '2026-06-08']);
  });
});

describe('the chart: eight weeks of help given and received', () => {
  const events = [
    offered('cat', 'dan', '2026-04-20T10:00:00.000Z'), // the oldest charted week (Monday 20 April)
    offered('eve', 'fay', '2026-04-19T22:30:00.000Z'), // Sunday 19 April 23:30 BST: the week before, not charted
    offered('ann', 'bob', '2026-06-08T10:00:00.000Z'),
    offered('ann', 'bob', '2026-06-09T10:00:00.000Z'),
    offered('ann', 'cat', '2026-06-10T10:00:00.000Z'),
    offered('bob', 'ann', '2026-06-11T10:00:00.000Z'),
    offered('dan', 'dan', '2026-06-11T11:00:00.000Z'), // a self-offer helps no one
    offered('eve', 'ann', AFTER), // after the week
    offered('gus', 'hal', '2026-05-27T10:00:00.000Z'), // week of 25 May
  ];
  const { chart } = composeReflection(inputFor(WEEK, events, EXACTLY));

  it('GIVEN a reflection THEN the chart covers the eight weeks ending with this one, oldest first', () => {
    expect(chart.map((week) => week.weekKey)).toEqual([
      '2026-04-20',
      '2026-04-27',
      '2026-05-04',
      '2026-05-11',
      '2026-05-18',
      '2026-05-25',
      '2026-06-01',
      '2026-06-08',
    ]);
  });

  it('GIVEN a reflection THEN each charted week starts at its local Monday midnight', () => {
    expect(chart[0]!.from).toEqual(new Date('2026-04-19T23:00:00.000Z'));
  });

  it('GIVEN one member helping twice and two members helped THEN this week shows distinct givers and receivers and every offer', () => {
    expect(chart[7]).toMatchObject({ givers: 2, receivers: 3, offers: 4 });
  });

  it("GIVEN help in the oldest charted week and just before it THEN only the charted week's help shows", () => {
    expect(chart[0]).toMatchObject({ givers: 1, receivers: 1, offers: 1 });
  });

  it('GIVEN a quiet week in between THEN it shows zeros', () => {
    expect(chart[6]).toMatchObject({ weekKey: '2026-06-01', givers: 0, receivers: 0, offers: 0 });
  });

  it('GIVEN help in a middle week THEN it lands in that week', () => {
    expect(chart[5]).toMatchObject({ weekKey: '2026-05-25', givers: 1, receivers: 1, offers: 1 });
  });

  it('GIVEN eight weeks across the spring clock change THEN the weeks are consecutive Mondays at local midnight', () => {
    const across = composeReflection(inputFor('2026-04-08T12:00:00.000Z', [])).chart;
    expect(across.map((week) => [week.weekKey, week.from.toISOString()])).toEqual([
      ['2026-02-16', '2026-02-16T00:00:00.000Z'],
      ['2026-02-23', '2026-02-23T00:00:00.000Z'],
      ['2026-03-02', '2026-03-02T00:00:00.000Z'],
      ['2026-03-09', '2026-03-09T00:00:00.000Z'],
      ['2026-03-16', '2026-03-16T00:00:00.000Z'],
      ['2026-03-23', '2026-03-23T00:00:00.000Z'],
      ['2026-03-30', '2026-03-29T23:00:00.000Z'],
      ['2026-04-06', '2026-04-05T23:00:00.000Z'],
    ]);
  });
});

describe('prompts rotate by week', () => {
  const promptsOf = (weekOf: string, timezone = 'Europe/London') => composeReflection(inputFor(weekOf, [], { timezone })).prompts;

  it('GIVEN two instants in the same week THEN the prompts are the same', () => {
    expect(promptsOf('2026-06-08T09:00:00.000Z')).toEqual(promptsOf('2026-06-14T20:00:00.000Z'));
  });

  it('GIVEN three consecutive weeks THEN each of the three helping prompts comes up once', () => {
    const helping = ['2026-06-10T12:00:00.000Z', '2026-06-17T12:00:00.000Z', '2026-06-24T12:00:00.000Z'].map((at) => promptsOf(at).helping);
    expect(new Set(helping).size).toBe(3);
  });

  it('GIVEN the next week THEN the needs prompt moves on to the other one', () => {
    expect(promptsOf('2026-06-10T12:00:00.000Z').needs).not.toBe(promptsOf('2026-06-17T12:00:00.000Z').needs);
  });

  it('GIVEN the same week in two time zones THEN both groups get the same prompts', () => {
    expect(promptsOf('2026-06-10T12:00:00.000Z', 'Asia/Kolkata')).toEqual(promptsOf('2026-06-10T12:00:00.000Z', 'America/New_York'));
  });

  it('GIVEN the week after the last prompt THEN the rotation starts again', () => {
    const list = ['p0', 'p1', 'p2'];
    expect(promptForWeek(list, '2026-06-08')).toBe(promptForWeek(list, '2026-06-29'));
  });

  it('GIVEN consecutive week keys THEN the week numbers are consecutive', () => {
    expect(weekNumber('2026-06-15') - weekNumber('2026-06-08')).toBe(1);
  });

  it('GIVEN the week across the new year THEN the week number still moves on by one', () => {
    expect(weekNumber('2027-01-04') - weekNumber('2026-12-28')).toBe(1);
  });

  it('GIVEN an empty prompt list THEN composing refuses it', () => {
    expect(() => composeReflection({ ...inputFor(WEEK, []), prompts: { helping: [], needs: ['n'] } })).toThrow(RangeError);
  });
});

describe('small numbers in a small week read "a few" (fewer than 5 members active)', () => {
  // Four members this week: ann asks and commits to a task, bob offers, cat and dan check in to one meeting.
  const fourActive = [
    opened('ann', '2026-06-08T09:00:00.000Z', 'rq-s'),
    offered('bob', 'ann', '2026-06-08T10:00:00.000Z', 'rq-s'),
    acted('cat', 'm1', '2026-06-09T18:00:00.000Z'),
    acted('dan', 'm1', '2026-06-09T18:01:00.000Z'),
    committed('ann', '2026-06-09T19:00:00.000Z'),
  ];
  // The same week with eve checking in too: five active.
  const fiveActive = [...fourActive, acted('eve', 'm1', '2026-06-09T18:02:00.000Z')];

  it('GIVEN four members active THEN the week is small', () => {
    expect(composeReflection(inputFor(WEEK, fourActive)).smallWeek).toBe(true);
  });

  it('GIVEN a small week THEN one request raised, one answered, one offer and one task read "a few"', () => {
    const reflection = composeReflection(inputFor(WEEK, fourActive));
    expect([reflection.requests, reflection.offers.made, reflection.tasks.committed]).toEqual([{ raised: 'few', answered: 'few', stillOpen: 0 }, 'few', 'few']);
  });

  it('GIVEN a small week with two attendances THEN attendances and attendees read "a few" and the meetings held stay exact', () => {
    const reflection = composeReflection(inputFor(WEEK, fourActive));
    expect(reflection.meetings).toEqual({ held: 1, attendances: 'few', attendees: 'few' });
  });

  it('GIVEN a small week with three attendances THEN three is shown exactly', () => {
    const reflection = composeReflection(inputFor(WEEK, [acted('cat', 'm1', WEEK), acted('dan', 'm1', WEEK), acted('eve', 'm1', WEEK)]));
    expect(reflection.meetings.attendances).toBe(3);
  });

  it('GIVEN one request still open in a small week THEN it reads "a few"', () => {
    expect(composeReflection(inputFor(WEEK, fourActive, { openRequestsNow: 1 })).requests.stillOpen).toBe('few');
  });

  it('GIVEN five members active THEN the week is not small and one task committed is shown as 1', () => {
    const reflection = composeReflection(inputFor(WEEK, fiveActive));
    expect([reflection.smallWeek, reflection.tasks.committed]).toEqual([false, 1]);
  });

  it('GIVEN a charted week with one giver among four active members THEN its bars read "a few"', () => {
    const { chart } = composeReflection(inputFor(WEEK, [offered('gus', 'hal', '2026-05-27T10:00:00.000Z'), acted('ivy', 'm', '2026-05-27T18:00:00.000Z')]));
    expect(chart[5]).toMatchObject({ weekKey: '2026-05-25', givers: 'few', receivers: 'few', offers: 'few' });
  });

  it('GIVEN a charted week with one giver among five active members THEN its bars are exact', () => {
    const events = [offered('gus', 'hal', '2026-05-27T10:00:00.000Z'), ...['i1', 'i2', 'i3'].map((id) => acted(id, 'm', '2026-05-27T18:00:00.000Z'))];
    expect(composeReflection(inputFor(WEEK, events)).chart[5]).toMatchObject({ givers: 1, receivers: 1, offers: 1 });
  });
});
