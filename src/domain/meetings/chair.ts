import { compareIds } from './fair-order.ts';
/**
 * Who might chair the next meeting. Rotating the chair matters (docs/research.md: role differentiation
 * predicted member well-being, leadership rotation predicted group survival), but chairing is never
 * imposed: only recent attendees who opted in are suggested, and the moderator who starts the meeting
 * decides. The suggestion is whoever chaired least recently (never chaired first); ties go to the
 * smaller member id, so the same input always gives the same answer.
 */

export interface ChairCandidate {
  readonly memberId: string;
  readonly optedIn: boolean;
  /** ISO instant of the last meeting they chaired, or null if never. */
  readonly lastChairedAt: string | null;
}

/**
 * The suggested chair's member id, or null when no recent attendee opted in. A member listed twice
 * counts with their latest chairing and is left out if any entry says they did not opt in (consent
 * wins). A `lastChairedAt` after `now` (clock skew) counts as now; one that cannot be read counts as
 * never, so a broken record never keeps someone from their turn.
 */
export function chairSuggestion(recentAttendees: readonly ChairCandidate[], now: Date): string | null {
  const nowMs = now.getTime();
  const lastChaired = new Map<string, number>();
  const optedOut = new Set<string>();
  for (const attendee of recentAttendees) {
    if (!attendee.optedIn) optedOut.add(attendee.memberId);
    const parsed = attendee.lastChairedAt === null ? Number.NaN : Date.parse(attendee.lastChairedAt);
    const at = Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : Math.min(parsed, nowMs);
    lastChaired.set(attendee.memberId, Math.max(at, lastChaired.get(attendee.memberId) ?? Number.NEGATIVE_INFINITY));
  }
  let best: { memberId: string; at: number } | null = null;
  for (const [memberId, at] of lastChaired) {
    if (optedOut.has(memberId)) continue;
    if (best === null || at < best.at || (at === best.at && compareIds(memberId, best.memberId) < 0)) best = { memberId, at };
  }
  return best?.memberId ?? null;
}
