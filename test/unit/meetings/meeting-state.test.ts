import { describe, expect, it } from 'vitest';
import type { MeetingFormat } from '../../../src/domain/meetings/format.ts';
import {
  acceptsAction,
  advance,
  catchUp,
  end,
  extend,
  nextDeadline,
  pause,
  remainingInRound,
  resume,
  startMeeting,
  type MeetingState,
} from '../../../src/domain/meetings/meeting-state.ts';
import type { Result } from '../../../src/domain/result.ts';

const MIN = 60_000;
const T0 = new Date('2026-06-01T18:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
const isoAt = (minutes: number) => at(minutes).toISOString();

/** check-in 5, needs 10, helping 15: deadlines at +5, +15, +30. */
const format: MeetingFormat = {
  name: 'test',
  title: 'Test',
  description: 'd',
  closingNote: 'bye',
  rounds: [
    { id: 'check-in', title: 'Check-in', prompt: 'p', minutes: 5, actions: ['check-in'] },
    { id: 'needs', title: 'Needs', prompt: 'p', minutes: 10, actions: ['need-help'] },
    { id: 'helping', title: 'Helping', prompt: 'p', minutes: 15, actions: ['offer-help'] },
  ],
};

const start = () => startMeeting({ id: 'm1', format, now: T0, chairId: 'chair-1' });
const value = <T>(result: Result<T, unknown>): T => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
};

describe('starting a meeting', () => {
  it('GIVEN a format THEN the first round runs from now until its deadline', () => {
    const state = start();
    expect(state).toMatchObject({
      status: 'running',
      roundIndex: 0,
      roundStartedAt: isoAt(0),
      roundEndsAt: isoAt(5),
      startedAt: isoAt(0),
      chairId: 'chair-1',
      revision: 0,
    });
  });

  it('GIVEN a format THEN its rounds are copied into the state (a later edit of the format changes nothing)', () => {
    expect(start().rounds).toEqual([
      { id: 'check-in', minutes: 5, actions: ['check-in'] },
      { id: 'needs', minutes: 10, actions: ['need-help'] },
      { id: 'helping', minutes: 15, actions: ['offer-help'] },
    ]);
  });

  it('GIVEN minuteMs of one second (demo) THEN a 5-minute round lasts 5 seconds', () => {
    const state = startMeeting({ id: 'm1', format, now: T0, chairId: null, minuteMs: 1000 });
    expect(state.roundEndsAt).toBe(new Date(T0.getTime() + 5000).toISOString());
  });

  it('GIVEN a stored state THEN it survives a JSON round trip unchanged', () => {
    const state = value(pause(start(), at(2)));
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe('advancing', () => {
  it('GIVEN a running round THEN next starts the following round now with its full duration', () => {
    const state = value(advance(start(), at(2)));
    expect(state).toMatchObject({ status: 'running', roundIndex: 1, roundStartedAt: isoAt(2), roundEndsAt: isoAt(12) });
  });

  it('GIVEN every round advanced THEN the meeting ends as completed after the last one', () => {
    let state = start();
    state = value(advance(state, at(1)));
    state = value(advance(state, at(2)));
    state = value(advance(state, at(3)));
    expect(state).toMatchObject({ status: 'ended', roundIndex: 2, endedAt: isoAt(3), endReason: 'completed', roundEndsAt: null });
  });

  it('GIVEN an ended meeting THEN advancing is refused as already ended', () => {
    const ended = value(end(start(), at(1)));
    expect(advance(ended, at(2))).toEqual({ ok: false, error: { kind: 'already-ended' } });
  });

  it('GIVEN a paused meeting THEN next starts the following round running', () => {
    const state = value(advance(value(pause(start(), at(1))), at(3)));
    expect(state).toMatchObject({ status: 'running', roundIndex: 1, roundEndsAt: isoAt(13), pausedAt: null, remainingMs: null });
  });

  it('GIVEN each change THEN the revision goes up by one', () => {
    const first = value(advance(start(), at(1)));
    const second = value(extend(first, 5, at(2)));
    expect([first.revision, second.revision]).toEqual([1, 2]);
  });
});

describe('extending', () => {
  it('GIVEN a running round THEN extending pushes its deadline later', () => {
    expect(value(extend(start(), 10, at(1))).roundEndsAt).toBe(isoAt(15));
  });

  it('GIVEN a paused round THEN extending adds to the time left and sets no deadline', () => {
    const state = value(extend(value(pause(start(), at(1))), 10, at(3)));
    expect(state).toMatchObject({ status: 'paused', remainingMs: 14 * MIN, roundEndsAt: null });
  });

  it('GIVEN a deadline that has passed before any timer fired THEN the extension counts from now', () => {
    expect(value(extend(start(), 2, at(7))).roundEndsAt).toBe(isoAt(9));
  });

  it('GIVEN 0, 61 or 1.5 minutes THEN extending is refused with the allowed range', () => {
    for (const minutes of [0, 61, 1.5]) {
      expect(extend(start(), minutes, at(1))).toEqual({ ok: false, error: { kind: 'extend-out-of-range', min: 1, max: 60 } });
    }
  });

  it('GIVEN 1 and 60 minutes THEN both are allowed', () => {
    expect(value(extend(start(), 1, at(1))).roundEndsAt).toBe(isoAt(6));
    expect(value(extend(start(), 60, at(1))).roundEndsAt).toBe(isoAt(65));
  });

  it('GIVEN an ended meeting THEN extending is refused as already ended', () => {
    expect(extend(value(end(start(), at(1))), 5, at(2))).toEqual({ ok: false, error: { kind: 'already-ended' } });
  });
});

describe('pausing and resuming', () => {
  it('GIVEN a running round THEN pausing keeps the time that was left', () => {
    const state = value(pause(start(), at(2)));
    expect(state).toMatchObject({ status: 'paused', pausedAt: isoAt(2), remainingMs: 3 * MIN, roundEndsAt: null });
  });

  it('GIVEN a pause of 20 minutes THEN resuming sets the deadline to now plus the time that was left', () => {
    const state = value(resume(value(pause(start(), at(2))), at(22)));
    expect(state).toMatchObject({ status: 'running', roundEndsAt: isoAt(25), pausedAt: null, remainingMs: null, roundStartedAt: isoAt(0) });
  });

  it('GIVEN two pauses in one round THEN the round still gets its full time of running', () => {
    let state = value(pause(start(), at(1)));
    state = value(resume(state, at(11)));
    state = value(pause(state, at(13)));
    state = value(resume(state, at(30)));
    expect(state.roundEndsAt).toBe(isoAt(32));
  });

  it('GIVEN a paused meeting THEN pausing again is refused as already paused', () => {
    expect(pause(value(pause(start(), at(1))), at(2))).toEqual({ ok: false, error: { kind: 'already-paused' } });
  });

  it('GIVEN a running meeting THEN resuming is refused as not paused', () => {
    expect(resume(start(), at(1))).toEqual({ ok: false, error: { kind: 'not-paused' } });
  });

  it('GIVEN an ended meeting THEN pausing and resuming are refused as already ended', () => {
    const ended = value(end(start(), at(1)));
    expect(pause(ended, at(2))).toEqual({ ok: false, error: { kind: 'already-ended' } });
    expect(resume(ended, at(2))).toEqual({ ok: false, error: { kind: 'already-ended' } });
  });

  it('GIVEN a pause after the deadline passed unnoticed THEN the time left is zero, not negative', () => {
    expect(value(pause(start(), at(6))).remainingMs).toBe(0);
  });
});

describe('ending', () => {
  it('GIVEN a running meeting THEN ending stops it now as ended early', () => {
    const state = value(end(start(), at(3)));
    expect(state).toMatchObject({ status: 'ended', endedAt: isoAt(3), endReason: 'ended-early', roundIndex: 0, roundEndsAt: null });
  });

  it('GIVEN a paused meeting THEN ending clears the pause', () => {
    const state = value(end(value(pause(start(), at(1))), at(3)));
    expect(state).toMatchObject({ status: 'ended', pausedAt: null, remainingMs: null });
  });

  it('GIVEN an ended meeting THEN ending again is refused as already ended', () => {
    expect(end(value(end(start(), at(1))), at(2))).toEqual({ ok: false, error: { kind: 'already-ended' } });
  });
});

describe('catching up after downtime', () => {
  it('GIVEN a deadline not reached THEN nothing changes', () => {
    const state = start();
    expect(catchUp(state, at(4))).toEqual({ state, advancedRounds: 0 });
  });

  it('GIVEN one deadline passed THEN the next round started at that deadline, not at now', () => {
    const { state, advancedRounds } = catchUp(start(), at(7));
    expect(advancedRounds).toBe(1);
    expect(state).toMatchObject({ status: 'running', roundIndex: 1, roundStartedAt: isoAt(5), roundEndsAt: isoAt(15) });
  });

  it('GIVEN the timer firing exactly at the deadline THEN the round moves on', () => {
    expect(catchUp(start(), at(5)).state.roundIndex).toBe(1);
  });

  it('GIVEN several deadlines passed THEN each following deadline counts from the one before', () => {
    const { state, advancedRounds } = catchUp(start(), at(20));
    expect(advancedRounds).toBe(2);
    expect(state).toMatchObject({ roundIndex: 2, roundStartedAt: isoAt(15), roundEndsAt: isoAt(30) });
  });

  it('GIVEN downtime past the last deadline THEN the meeting ended as completed at that deadline', () => {
    const { state, advancedRounds } = catchUp(start(), at(500));
    expect(advancedRounds).toBe(3);
    expect(state).toMatchObject({ status: 'ended', endedAt: isoAt(30), endReason: 'completed', roundEndsAt: null });
  });

  it('GIVEN an extended round THEN a timer armed for the old deadline changes nothing', () => {
    const extended = value(extend(start(), 10, at(1)));
    expect(catchUp(extended, at(5)).advancedRounds).toBe(0);
  });

  it('GIVEN a paused meeting long after its deadline THEN it does not move', () => {
    const paused = value(pause(start(), at(1)));
    expect(catchUp(paused, at(500))).toEqual({ state: paused, advancedRounds: 0 });
  });

  it('GIVEN an ended meeting THEN catching up changes nothing', () => {
    const ended = value(end(start(), at(1)));
    expect(catchUp(ended, at(500))).toEqual({ state: ended, advancedRounds: 0 });
  });

  it('GIVEN catch-up applied twice with the same now THEN the second changes nothing (duplicate timers are harmless)', () => {
    const once = catchUp(start(), at(20)).state;
    expect(catchUp(once, at(20))).toEqual({ state: once, advancedRounds: 0 });
  });

  it('GIVEN several rounds caught up THEN the revision goes up once', () => {
    expect(catchUp(start(), at(20)).state.revision).toBe(1);
  });
});

describe('the next deadline for the timer', () => {
  it('GIVEN a running round THEN it is the round deadline', () => {
    expect(nextDeadline(start())).toEqual(at(5));
  });

  it('GIVEN a paused meeting THEN there is none', () => {
    expect(nextDeadline(value(pause(start(), at(1))))).toBeNull();
  });

  it('GIVEN an ended meeting THEN there is none', () => {
    expect(nextDeadline(value(end(start(), at(1))))).toBeNull();
  });

  it('GIVEN a resumed meeting THEN it is now plus the time that was left', () => {
    expect(nextDeadline(value(resume(value(pause(start(), at(1))), at(10))))).toEqual(at(14));
  });
});

describe('time left and member actions', () => {
  const running: MeetingState = start();

  it('GIVEN a running, a paused and an ended meeting THEN the time left is counted down, frozen and null', () => {
    expect(remainingInRound(running, at(2))).toBe(3 * MIN);
    expect(remainingInRound(value(pause(running, at(2))), at(40))).toBe(3 * MIN);
    expect(remainingInRound(value(end(running, at(2))), at(3))).toBeNull();
  });

  it('GIVEN a button of the current round and an action it offers THEN the action counts', () => {
    expect(acceptsAction(running, 0, 'check-in', at(1)).ok).toBe(true);
  });

  it('GIVEN a button of an earlier round THEN it is refused as a round that has ended', () => {
    const later = value(advance(running, at(1)));
    expect(acceptsAction(later, 0, 'check-in', at(2))).toEqual({ ok: false, error: { kind: 'round-ended' } });
  });

  it('GIVEN the deadline passed before the timer fired THEN the button is refused as a round that has ended', () => {
    expect(acceptsAction(running, 0, 'check-in', at(5))).toEqual({ ok: false, error: { kind: 'round-ended' } });
  });

  it('GIVEN an action the round does not offer THEN it is refused', () => {
    expect(acceptsAction(running, 0, 'offer-help', at(1))).toEqual({ ok: false, error: { kind: 'not-in-round' } });
  });

  it('GIVEN a paused round THEN its actions still count', () => {
    expect(acceptsAction(value(pause(running, at(1))), 0, 'check-in', at(30)).ok).toBe(true);
  });

  it('GIVEN an ended meeting THEN every action is refused', () => {
    expect(acceptsAction(value(end(running, at(1))), 0, 'check-in', at(2))).toEqual({ ok: false, error: { kind: 'meeting-ended' } });
  });
});
