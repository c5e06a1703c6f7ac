import { describe, expect, it } from 'vitest';
import { loadMeetingFormats } from '../../../src/config/meeting-formats.ts';
import { scaleFormat, totalMinutes, type MeetingFormat } from '../../../src/domain/meetings/format.ts';

const formatWith = (minutes: number[]): MeetingFormat => ({
  name: 'f',
  title: 'F',
  description: 'd',
  closingNote: 'bye',
  rounds: minutes.map((m, i) => ({ id: `r${i}`, title: `R${i}`, prompt: 'p', minutes: m, actions: [] })),
});
const scaled = (format: MeetingFormat, total: number) => {
  const result = scaleFormat(format, total);
  if (!result.ok) throw new Error(`scaling failed: ${JSON.stringify(result.error)}`);
  return result.value.rounds.map((r) => r.minutes);
};

describe('scaling a format to a schedule', () => {
  const grow = loadMeetingFormats().get('grow')!;

  it('GIVEN grow (75 minutes) scaled to 120 THEN the rounds add up to exactly 120', () => {
    expect(scaled(grow, 120).reduce((a, b) => a + b, 0)).toBe(120);
  });

  it('GIVEN grow scaled to its own length THEN nothing changes', () => {
    expect(scaled(grow, totalMinutes(grow))).toEqual(grow.rounds.map((r) => r.minutes));
  });

  it('GIVEN durations that divide evenly THEN they scale exactly in proportion', () => {
    expect(scaled(formatWith([10, 20, 30]), 120)).toEqual([20, 40, 60]);
  });

  it('GIVEN a short total THEN a small round keeps one minute and the rest is shared', () => {
    expect(scaled(formatWith([1, 50, 49]), 10)).toEqual([1, 5, 4]);
  });

  it('GIVEN exactly one minute per round THEN every round gets one minute', () => {
    expect(scaled(grow, 8)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('GIVEN leftover minutes with equal remainders THEN the earlier rounds get them', () => {
    expect(scaled(formatWith([10, 10, 10]), 10)).toEqual([4, 3, 3]);
  });

  it('GIVEN the largest remainder in a later round THEN that round gets the leftover minute', () => {
    // shares of 10 for 1:2:7 are 1, 2 and 7 exactly; for 11 they are 1.1, 2.2 and 7.7
    expect(scaled(formatWith([1, 2, 7]), 11)).toEqual([1, 2, 8]);
  });

  it('GIVEN fewer minutes than rounds THEN scaling is refused with the allowed range', () => {
    expect(scaleFormat(grow, 7)).toEqual({ ok: false, error: { kind: 'total-out-of-range', min: 8, max: 1440 } });
  });

  it('GIVEN a fractional total THEN scaling is refused', () => {
    expect(scaleFormat(grow, 60.5).ok).toBe(false);
  });

  it('GIVEN the same input twice THEN the result is the same and the original format is untouched', () => {
    const before = grow.rounds.map((r) => r.minutes);
    expect(scaled(grow, 47)).toEqual(scaled(grow, 47));
    expect(grow.rounds.map((r) => r.minutes)).toEqual(before);
  });

  it('GIVEN every total from 8 to 300 THEN each scaling sums to the total with every round at least a minute', () => {
    for (let total = 8; total <= 300; total++) {
      const minutes = scaled(grow, total);
      expect(minutes.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.min(...minutes)).toBeGreaterThanOrEqual(1);
    }
  });

  it('GIVEN a longer total THEN no round gets shorter (scaling is monotonic for grow)', () => {
    for (let total = 8; total < 300; total++) {
      const shorter = scaled(grow, total);
      const longer = scaled(grow, total + 1);
      for (const [i, m] of longer.entries()) expect(m).toBeGreaterThanOrEqual(shorter[i]!);
    }
  });
});
