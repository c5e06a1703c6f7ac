/**
 * The speaking order at the start of a sharing round, fair from meeting to meeting and the same for the
 * same input on every machine (no randomness, no clock).
 *
 * The members present stand in a circle ordered by member id; the meeting number says where the circle
 * is cut: meeting `m` starts at place `m mod n`. In a steady group everyone moves one place forward each
 * meeting and whoever went first goes last next time, so over `n` meetings each member holds every place
 * once (average place: the middle). When attendance changes the cut still moves, and the member who went
 * first last time is never first again while someone else is present to go first.
 *
 * In a Stage channel raised hands set the order instead: by when each hand went up.
 */

export interface RotationSeed {
  /** Counts up by one per meeting of the circle (any integer; only its value modulo the group size matters). */
  readonly meetingNumber: number;
  /** Who spoke first in the previous meeting's sharing round, if known: they are not first again when avoidable. */
  readonly previousFirst?: string | null;
}

export interface RaisedHand {
  readonly memberId: string;
  /** ISO instant the hand went up. */
  readonly raisedAt: string;
}

/** The present members (duplicates dropped) in this meeting's fair speaking order. */
export function fairOrder(present: readonly string[], seed: RotationSeed): string[] {
  const circle = [...new Set(present)].sort(compareIds);
  const n = circle.length;
  if (n === 0) return [];
  let start = ((Math.trunc(seed.meetingNumber) % n) + n) % n;
  if (n > 1 && circle[start] === seed.previousFirst) start = (start + 1) % n;
  return [...circle.slice(start), ...circle.slice(0, start)];
}

/**
 * Members with a raised hand, first raised first; equal (or unreadable) times go by member id. A member
 * listed twice counts with their earliest hand.
 */
export function raisedHandOrder(hands: readonly RaisedHand[]): string[] {
  const earliest = new Map<string, number>();
  for (const hand of hands) {
    const parsed = Date.parse(hand.raisedAt);
    const at = Number.isNaN(parsed) ? Number.POSITIVE_INFINITY : parsed;
    earliest.set(hand.memberId, Math.min(at, earliest.get(hand.memberId) ?? Number.POSITIVE_INFINITY));
  }
  return [...earliest].sort(([a, atA], [b, atB]) => (atA === atB ? compareIds(a, b) : atA < atB ? -1 : 1)).map(([memberId]) => memberId);
}

/** Discord ids are decimal snowflakes: compare them as numbers (shorter is smaller), others as text. */
export function compareIds(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
