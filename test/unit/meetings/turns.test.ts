import { describe, expect, it } from 'vitest';
import { fairOrder, raisedHandOrder } from '../../../src/domain/meetings/fair-order.ts';
import { checkFormat, type FormatInput } from '../../../src/domain/meetings/format.ts';
import {
  addMe,
  DEFAULT_LEAVE_GRACE_MS,
  done,
  join,
  later,
  leave,
  nextTurnDeadline,
  pass,
  type StartSharingInput,
  settle,
  shareTimeBoxMs,
  startSharingRound,
  startStageRound,
  type TurnQueue,
  turnStatus,
} from '../../../src/domain/meetings/turns.ts';

const t0 = Date.parse('2026-06-01T18:00:00Z');
const at = (seconds: number) => new Date(t0 + seconds * 1000);
const MIN = 60_000;

const start = (present: string[], overrides: Partial<StartSharingInput> = {}): TurnQueue =>
  startSharingRound({ present, seed: { meetingNumber: 0 }, round: { minutes: 10 }, now: at(0), ...overrides });

/** Unwraps a Result, failing the test with the problem when it is not ok. */
const must = <T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
};

const speaker = (queue: TurnQueue) => queue.current?.memberId ?? null;
const member = (memberId: string) => ({ memberId, isModerator: false });
const moderator = { memberId: 'mod', isModerator: true };

describe('the fair order at the start of a sharing round', () => {
  it('GIVEN no one present THEN the order is empty and nobody speaks', () => {
    expect(fairOrder([], { meetingNumber: 3 })).toEqual([]);
    expect(turnStatus(start([]), at(0))).toMatchObject({ speaker: null, waiting: 0, finished: true });
  });

  it('GIVEN the same members and meeting number THEN the order is the same, whatever order they came in', () => {
    expect(fairOrder(['3', '1', '2'], { meetingNumber: 7 })).toEqual(fairOrder(['2', '3', '1'], { meetingNumber: 7 }));
  });

  it('GIVEN consecutive meetings of a steady group THEN whoever went first goes last next time', () => {
    const members = ['1', '2', '3', '4'];
    expect(fairOrder(members, { meetingNumber: 0 })).toEqual(['1', '2', '3', '4']);
    expect(fairOrder(members, { meetingNumber: 1 })).toEqual(['2', '3', '4', '1']);
    expect(fairOrder(members, { meetingNumber: 5 })).toEqual(['2', '3', '4', '1']);
    expect(fairOrder(members, { meetingNumber: -1 })).toEqual(['4', '1', '2', '3']);
  });

  it('GIVEN the rotation would put last meeting’s first speaker first again THEN the next member goes first', () => {
    expect(fairOrder(['1', '2', '3'], { meetingNumber: 0, previousFirst: '1' })).toEqual(['2', '3', '1']);
    expect(fairOrder(['1'], { meetingNumber: 0, previousFirst: '1' })).toEqual(['1']);
  });

  it('GIVEN a member listed twice THEN they appear once', () => {
    expect(fairOrder(['1', '2', '1'], { meetingNumber: 0 })).toEqual(['1', '2']);
  });

  it('GIVEN snowflake ids of different lengths THEN they are ordered as numbers', () => {
    expect(fairOrder(['1000000000000000000', '900000000000000000'], { meetingNumber: 0 })).toEqual(['900000000000000000', '1000000000000000000']);
  });

  it('GIVEN raised hands THEN the first raised speaks first, ties by id, and a member raising twice counts once', () => {
    const hands = [
      { memberId: 'c', raisedAt: '2026-06-01T18:00:03Z' },
      { memberId: 'b', raisedAt: '2026-06-01T18:00:01Z' },
      { memberId: 'a', raisedAt: '2026-06-01T18:00:03Z' },
      { memberId: 'c', raisedAt: '2026-06-01T18:00:00Z' },
    ];
    expect(raisedHandOrder(hands)).toEqual(['c', 'b', 'a']);
  });

  it('GIVEN a Stage channel THEN the round starts with the raised hands in order', () => {
    const queue = startStageRound({
      hands: [
        { memberId: 'x', raisedAt: '2026-06-01T18:00:02Z' },
        { memberId: 'y', raisedAt: '2026-06-01T18:00:01Z' },
      ],
      round: { minutes: 10 },
      now: at(0),
    });
    expect(speaker(queue)).toBe('y');
    expect(queue.waiting).toEqual(['x']);
  });
});

describe('fairness over many meetings', () => {
  /** Runs one sharing round to the end with Done, returning who spoke in what order. */
  const runRound = (present: string[], meetingNumber: number, previousFirst: string | null) => {
    let queue = startSharingRound({ present, seed: { meetingNumber, previousFirst }, round: { minutes: 10 }, now: at(0) });
    const spoke: string[] = [];
    for (let step = 1; queue.current !== null; step++) {
      spoke.push(queue.current.memberId);
      queue = must(done(queue, member(queue.current.memberId), at(step * 60)));
    }
    return spoke;
  };

  it('GIVEN 100 meetings of the same 8 members THEN everyone speaks once per meeting, averages the middle place and is never first twice in a row', () => {
    const members = ['1', '2', '3', '4', '5', '6', '7', '8'];
    const places = new Map(members.map((id) => [id, [] as number[]]));
    let previousFirst: string | null = null;
    for (let meeting = 1; meeting <= 100; meeting++) {
      const spoke = runRound(members, meeting, previousFirst);
      expect([...spoke].sort()).toEqual(members);
      expect(spoke[0]).not.toBe(previousFirst);
      for (const [place, id] of spoke.entries()) places.get(id)!.push(place);
      previousFirst = spoke[0]!;
    }
    for (const [, list] of places) {
      const average = list.reduce((sum, place) => sum + place, 0) / list.length;
      expect(average).toBeGreaterThanOrEqual(3.5 - 0.5);
      expect(average).toBeLessThanOrEqual(3.5 + 0.5);
      expect(Math.min(...list)).toBe(0);
      expect(Math.max(...list)).toBe(7);
    }
  });

  it('GIVEN 100 meetings of 8 members with changing attendance THEN average relative places stay near the middle and nobody is first twice in a row', () => {
    const members = ['1', '2', '3', '4', '5', '6', '7', '8'];
    let lcg = 12345;
    const next = () => {
      lcg = (lcg * 1103515245 + 12345) % 2147483648;
      return lcg / 2147483648;
    };
    const relative = new Map(members.map((id) => [id, [] as number[]]));
    let previousFirst: string | null = null;
    for (let meeting = 1; meeting <= 100; meeting++) {
      const present = members.filter(() => next() < 0.8);
      if (present.length < 2) continue;
      const spoke = runRound(present, meeting, previousFirst);
      expect([...spoke].sort()).toEqual([...present].sort());
      expect(spoke[0]).not.toBe(previousFirst);
      for (const [place, id] of spoke.entries()) relative.get(id)!.push(place / (spoke.length - 1));
      previousFirst = spoke[0]!;
    }
    for (const [, list] of relative) {
      const average = list.reduce((sum, place) => sum + place, 0) / list.length;
      expect(average).toBeGreaterThan(0.35);
      expect(average).toBeLessThan(0.65);
    }
  });
});

describe('taking turns', () => {
  it('GIVEN a round starts THEN the first in the order speaks from now with a time box and the rest wait', () => {
    const queue = start(['a', 'b', 'c']);
    expect(turnStatus(queue, at(0))).toEqual({
      speaker: 'a',
      since: at(0).toISOString(),
      timeBoxEndsAt: at(200).toISOString(),
      next: 'b',
      waiting: 2,
      finished: false,
    });
    expect(queue.attended).toEqual(['a', 'b', 'c']);
  });

  it('GIVEN the speaker presses Done THEN the next member speaks from then', () => {
    const queue = must(done(start(['a', 'b']), member('a'), at(90)));
    expect(speaker(queue)).toBe('b');
    expect(queue.current!.since).toBe(at(90).toISOString());
    expect(queue.had).toEqual([{ memberId: 'a', outcome: 'shared' }]);
  });

  it('GIVEN a waiting member presses Done THEN it is not their turn and nothing changes', () => {
    expect(done(start(['a', 'b']), member('b'), at(10))).toEqual({ ok: false, error: { kind: 'not-your-turn', current: 'a' } });
  });

  it('GIVEN a moderator presses Done THEN the speaker’s share ends and the next speaks', () => {
    const queue = must(done(start(['a', 'b']), moderator, at(10)));
    expect(speaker(queue)).toBe('b');
    expect(queue.had).toEqual([{ memberId: 'a', outcome: 'shared' }]);
  });

  it('GIVEN everyone has had a turn THEN nobody speaks, the round is finished, and Done says nobody is speaking', () => {
    let queue = start(['a', 'b']);
    queue = must(done(queue, member('a'), at(10)));
    queue = must(done(queue, member('b'), at(20)));
    expect(turnStatus(queue, at(20))).toMatchObject({ speaker: null, next: null, waiting: 0, finished: true });
    expect(done(queue, moderator, at(30))).toEqual({ ok: false, error: { kind: 'no-one-speaking' } });
  });
});

describe('pass', () => {
  it('GIVEN the speaker passes THEN the turn goes on without them and they are recorded as passed', () => {
    const queue = must(pass(start(['a', 'b']), 'a', at(5)));
    expect(speaker(queue)).toBe('b');
    expect(queue.had).toEqual([{ memberId: 'a', outcome: 'passed' }]);
  });

  it('GIVEN a waiting member passes ahead of time THEN they leave the order and the speaker goes on', () => {
    const queue = must(pass(start(['a', 'b', 'c']), 'b', at(5)));
    expect(speaker(queue)).toBe('a');
    expect(queue.waiting).toEqual(['c']);
  });

  it('GIVEN someone not in the order or who already shared presses Pass THEN it is refused', () => {
    const queue = must(done(start(['a', 'b']), member('a'), at(5)));
    expect(pass(queue, 'z', at(6))).toEqual({ ok: false, error: { kind: 'not-in-queue' } });
    expect(pass(queue, 'a', at(6))).toEqual({ ok: false, error: { kind: 'already-had-turn' } });
  });

  it('GIVEN a member passed THEN Add me gives them a turn after all, at the end', () => {
    let queue = must(pass(start(['a', 'b', 'c']), 'a', at(5)));
    queue = must(addMe(queue, 'a', at(6)));
    expect(queue.waiting).toEqual(['c', 'a']);
  });
});

describe('later', () => {
  it('GIVEN the speaker asks for later THEN the next member speaks and they move to the end, once', () => {
    let queue = must(later(start(['a', 'b', 'c']), 'a', at(5)));
    expect(speaker(queue)).toBe('b');
    expect(queue.waiting).toEqual(['c', 'a']);
    queue = must(done(queue, member('b'), at(10)));
    queue = must(done(queue, member('c'), at(20)));
    expect(speaker(queue)).toBe('a');
    expect(later(queue, 'a', at(21))).toEqual({ ok: false, error: { kind: 'later-already-used' } });
  });

  it('GIVEN a waiting member asks for later THEN they move to the end and the speaker goes on', () => {
    const queue = must(later(start(['a', 'b', 'c']), 'b', at(5)));
    expect(speaker(queue)).toBe('a');
    expect(queue.waiting).toEqual(['c', 'b']);
  });

  it('GIVEN nobody would come after them THEN Later is refused and their one Later is kept', () => {
    const queue = start(['a', 'b', 'c']);
    expect(later(queue, 'c', at(5))).toEqual({ ok: false, error: { kind: 'already-last' } });
    const alone = start(['a']);
    expect(later(alone, 'a', at(5))).toEqual({ ok: false, error: { kind: 'already-last' } });
    expect(alone.laterUsed).toEqual([]);
  });

  it('GIVEN someone not in the order presses Later THEN it is refused', () => {
    expect(later(start(['a']), 'z', at(5))).toEqual({ ok: false, error: { kind: 'not-in-queue' } });
  });
});

describe('add me', () => {
  it('GIVEN someone listening in text presses Add me THEN they go to the end and attend', () => {
    const queue = must(addMe(start(['a', 'b']), 'text', at(5)));
    expect(queue.waiting).toEqual(['b', 'text']);
    expect(queue.attended).toContain('text');
  });

  it('GIVEN someone already speaking or waiting presses Add me THEN they are already in the order', () => {
    const queue = start(['a', 'b']);
    expect(addMe(queue, 'a', at(5))).toEqual({ ok: false, error: { kind: 'already-in-queue' } });
    expect(addMe(queue, 'b', at(5))).toEqual({ ok: false, error: { kind: 'already-in-queue' } });
  });

  it('GIVEN someone who already shared presses Add me THEN they already had their turn', () => {
    const queue = must(done(start(['a', 'b']), member('a'), at(5)));
    expect(addMe(queue, 'a', at(6))).toEqual({ ok: false, error: { kind: 'already-had-turn' } });
  });

  it('GIVEN everyone has had their turn WHEN someone presses Add me THEN they speak now', () => {
    const finished = must(done(start(['a']), member('a'), at(5)));
    const queue = must(addMe(finished, 'b', at(30)));
    expect(queue.current).toMatchObject({ memberId: 'b', since: at(30).toISOString() });
  });
});

describe('joining and leaving voice', () => {
  it('GIVEN a member joins late THEN they go to the end of the order', () => {
    const queue = join(start(['a', 'b']), 'late', at(30));
    expect(queue.waiting).toEqual(['b', 'late']);
    expect(queue.attended).toEqual(['a', 'b', 'late']);
  });

  it('GIVEN a join repeats, or comes from someone who already had their turn THEN nothing changes', () => {
    const queue = start(['a', 'b']);
    expect(join(queue, 'b', at(5))).toBe(queue);
    const after = must(done(queue, member('a'), at(10)));
    expect(join(after, 'a', at(11))).toBe(after);
  });

  it('GIVEN a waiting member drops and rejoins within the grace period THEN they keep their place', () => {
    let queue = start(['a', 'b', 'c']);
    queue = leave(queue, 'b', at(10));
    expect(nextTurnDeadline(queue)).toBe(new Date(at(10).getTime() + DEFAULT_LEAVE_GRACE_MS).toISOString());
    queue = join(queue, 'b', at(60));
    expect(queue.waiting).toEqual(['b', 'c']);
    expect(queue.away).toEqual([]);
    expect(nextTurnDeadline(queue)).toBeNull();
  });

  it('GIVEN the next member is away when the turn passes THEN they are passed over for now and speak as soon as they are back', () => {
    let queue = start(['a', 'b', 'c', 'd']);
    queue = leave(queue, 'b', at(10));
    queue = must(done(queue, member('a'), at(20)));
    expect(speaker(queue)).toBe('c');
    expect(queue.waiting).toEqual(['b', 'd']);
    queue = join(queue, 'b', at(40));
    queue = must(done(queue, member('c'), at(50)));
    expect(speaker(queue)).toBe('b');
  });

  it('GIVEN a member stays away past the grace period THEN they are taken out of the order', () => {
    let queue = start(['a', 'b', 'c']);
    queue = leave(queue, 'c', at(10));
    queue = settle(queue, new Date(at(10).getTime() + DEFAULT_LEAVE_GRACE_MS));
    expect(queue.waiting).toEqual(['b']);
    expect(queue.away).toEqual([]);
    expect(queue.attended).toContain('c');
  });

  it('GIVEN a member rejoins after the grace period THEN they join at the end like a late joiner', () => {
    let queue = start(['a', 'b', 'c']);
    queue = leave(queue, 'b', at(10));
    queue = join(queue, 'b', at(10 + DEFAULT_LEAVE_GRACE_MS / 1000 + 1));
    expect(queue.waiting).toEqual(['c', 'b']);
  });

  it('GIVEN the speaker drops and does not come back THEN their share ends when the grace period ends and the next speaks from then', () => {
    let queue = start(['a', 'b'], { graceMs: 30_000 });
    queue = leave(queue, 'a', at(10));
    expect(speaker(queue)).toBe('a');
    queue = settle(queue, at(100));
    expect(queue.current).toMatchObject({ memberId: 'b', since: at(40).toISOString() });
    expect(queue.had).toEqual([{ memberId: 'a', outcome: 'shared' }]);
  });

  it('GIVEN only away members are waiting THEN nobody speaks until one is back, and the round is not finished', () => {
    let queue = start(['a', 'b']);
    queue = leave(queue, 'b', at(5));
    queue = must(done(queue, member('a'), at(10)));
    expect(turnStatus(queue, at(10))).toMatchObject({ speaker: null, next: null, waiting: 1, finished: false });
    queue = join(queue, 'b', at(20));
    expect(queue.current).toMatchObject({ memberId: 'b', since: at(20).toISOString() });
  });

  it('GIVEN someone who is not in the order leaves, or leaves twice THEN nothing more changes', () => {
    const queue = start(['a']);
    expect(leave(queue, 'z', at(5))).toBe(queue);
    const once = leave(queue, 'a', at(5));
    expect(leave(once, 'a', at(6))).toBe(once);
  });
});

describe('the time box of a share', () => {
  it('GIVEN a 10-minute round and 4 speakers THEN each share gets 2.5 minutes', () => {
    expect(start(['a', 'b', 'c', 'd']).current!.timeBoxMs).toBe(2.5 * MIN);
  });

  it('GIVEN many speakers THEN the box is at least the minimum; GIVEN few THEN at most the maximum', () => {
    const many = start(Array.from({ length: 30 }, (_, i) => `m${i}`));
    expect(many.current!.timeBoxMs).toBe(1 * MIN);
    expect(start(['a']).current!.timeBoxMs).toBe(5 * MIN);
  });

  it('GIVEN bounds set by the format THEN they are used', () => {
    const queue = start(['a'], { round: { minutes: 20, shareMinutes: { min: 2, max: 8 } } });
    expect(queue.current!.timeBoxMs).toBe(8 * MIN);
    expect(
      start(
        Array.from({ length: 30 }, (_, i) => `m${i}`),
        { round: { minutes: 20, shareMinutes: { min: 2, max: 8 } } },
      ).current!.timeBoxMs,
    ).toBe(2 * MIN);
  });

  it('GIVEN members pass THEN later shares get the time they freed', () => {
    let queue = start(['a', 'b', 'c', 'd']);
    queue = must(pass(queue, 'a', at(0)));
    expect(queue.current!.timeBoxMs).toBe(Math.floor((10 * MIN) / 3));
    expect(shareTimeBoxMs(queue)).toBe(Math.floor((10 * MIN) / 3));
  });
});

describe('nobody loses a turn unless they choose to', () => {
  it('GIVEN a long random sequence of presses and voice events THEN every member who stayed shared once or passed by their own press', () => {
    let lcg = 987654321;
    const next = (n: number) => {
      lcg = (lcg * 1103515245 + 12345) % 2147483648;
      return Math.floor((lcg / 2147483648) * n);
    };
    for (let trial = 0; trial < 50; trial++) {
      const members = ['1', '2', '3', '4', '5', '6', '7', '8'];
      let queue = startSharingRound({ present: members.slice(0, 6), seed: { meetingNumber: trial }, round: { minutes: 10 }, now: at(0) });
      const passedByChoice = new Set<string>();
      let clock = 0;
      for (let step = 0; step < 200 && !turnStatus(queue, at(clock)).finished; step++) {
        clock += 5;
        const who = members[next(members.length)]!;
        const action = next(10);
        if (action === 0) {
          const result = pass(queue, who, at(clock));
          if (result.ok) passedByChoice.add(who);
          queue = result.ok ? result.value : queue;
        } else if (action === 1) {
          const result = later(queue, who, at(clock));
          queue = result.ok ? result.value : queue;
        } else if (action === 2) {
          const result = addMe(queue, who, at(clock));
          if (result.ok) passedByChoice.delete(who);
          queue = result.ok ? result.value : queue;
        } else if (action === 3) {
          // A short drop: back well within the grace period.
          queue = join(leave(queue, who, at(clock)), who, at(clock + 10));
        } else if (action === 4) {
          queue = join(queue, who, at(clock));
        } else {
          const current = queue.current?.memberId;
          const result = done(queue, current === undefined ? moderator : member(current), at(clock));
          queue = result.ok ? result.value : queue;
        }
      }
      expect(turnStatus(queue, at(clock)).finished).toBe(true);
      const shared = queue.had.filter((turn) => turn.outcome === 'shared').map((turn) => turn.memberId);
      const passed = queue.had.filter((turn) => turn.outcome === 'passed').map((turn) => turn.memberId);
      expect(new Set(shared).size).toBe(shared.length);
      expect(passed.every((id) => passedByChoice.has(id))).toBe(true);
      for (const id of queue.attended) {
        expect(shared.includes(id) !== passed.includes(id)).toBe(true);
      }
    }
  });
});

describe('sharing rounds in a format', () => {
  const format = (round: Record<string, unknown>): FormatInput =>
    ({
      name: 'mine',
      title: 'My meeting',
      description: 'A test format',
      rounds: [{ id: 'check-in', title: 'Check-in', prompt: 'How are you?', minutes: 10, actions: ['check-in'], ...round }],
      closingNote: 'Bye.',
    }) as FormatInput;

  it('GIVEN a round with turns and share bounds THEN the format is accepted', () => {
    expect(checkFormat(format({ turns: true, shareMinutes: { min: 2, max: 4 } })).ok).toBe(true);
    expect(checkFormat(format({ turns: true })).ok).toBe(true);
  });

  it('GIVEN share bounds out of order, not whole or longer than the round THEN the format is refused', () => {
    for (const shareMinutes of [
      { min: 4, max: 2 },
      { min: 0, max: 2 },
      { min: 1.5, max: 2 },
      { min: 1, max: 11 },
    ]) {
      expect(checkFormat(format({ turns: true, shareMinutes }))).toEqual({
        ok: false,
        error: [{ kind: 'share-minutes-out-of-range', roundId: 'check-in', min: shareMinutes.min, max: shareMinutes.max, roundMinutes: 10 }],
      });
    }
  });

  it('GIVEN share bounds on a round without turns THEN the format is refused', () => {
    expect(checkFormat(format({ shareMinutes: { min: 1, max: 5 } }))).toEqual({
      ok: false,
      error: [{ kind: 'share-minutes-without-turns', roundId: 'check-in' }],
    });
  });
});
