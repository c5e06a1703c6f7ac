import type { LedgerEvent } from './ledger-events.ts';
import { dayWindow } from './week.ts';

const MS_PER_DAY = 86_400_000;

/** The earliest instant still kept: anything strictly before it is older than the retention period. */
export function retentionCutoff(now: Date, retentionDays: number): number {
  return now.getTime() - retentionDays * MS_PER_DAY;
}

/**
 * Whether a ledger event is older than `retentionDays` (default 180 in the guild's settings) and should
 * be purged. An event whose time cannot be read is kept rather than deleted on a guess.
 */
export function isExpired(event: LedgerEvent, now: Date, retentionDays: number): boolean {
  return Date.parse(event.at) < retentionCutoff(now, retentionDays);
}

/**
 * The daily aggregates (by local day key) whose whole day is older than the retention period: a day
 * is dropped only once its last instant has expired, so no event still kept is lost with its bucket.
 * Keys that are not dates are left for a human to look at. Input order is kept.
 */
export function expiredDays(dayKeys: readonly string[], now: Date, retentionDays: number, timezone: string): string[] {
  const cutoff = retentionCutoff(now, retentionDays);
  return dayKeys.filter((key) => {
    const window = dayWindow(key, timezone);
    return window !== null && window.to.getTime() <= cutoff;
  });
}

/**
 * Whether a meeting's record is past the retention period, counted from when the meeting ended. A
 * meeting that has not ended, or whose end time cannot be read, is kept.
 */
export function meetingExpired(meeting: { readonly state: { readonly endedAt: string | null } }, now: Date, retentionDays: number): boolean {
  const endedAt = meeting.state.endedAt === null ? Number.NaN : Date.parse(meeting.state.endedAt);
  return !Number.isNaN(endedAt) && endedAt < retentionCutoff(now, retentionDays);
}

/** A chairing-rotation entry: refreshed when the member opts in or out (`updatedAt`) or chairs (`lastChairedAt`). */
export interface RotationEntry {
  readonly lastChairedAt: string | null;
  readonly updatedAt?: string;
}

/**
 * The chairing rotation after retention: entries not refreshed within `retentionDays` go. An entry with
 * no readable time at all (kept before `updatedAt` existed) is dated `now`, so it is forgotten one
 * retention period from now rather than at once on a guess. `changed` says whether anything differs.
 */
export function keepRotationSince<T extends RotationEntry>(
  entries: readonly T[],
  now: Date,
  retentionDays: number,
): { kept: T[]; removed: number; changed: boolean } {
  const cutoff = retentionCutoff(now, retentionDays);
  const kept: T[] = [];
  let changed = false;
  for (const entry of entries) {
    const times = [entry.updatedAt, entry.lastChairedAt ?? undefined]
      .map((at) => (at === undefined ? Number.NaN : Date.parse(at)))
      .filter((at) => !Number.isNaN(at));
    if (times.length === 0) {
      kept.push({ ...entry, updatedAt: now.toISOString() });
      changed = true;
    } else if (Math.max(...times) < cutoff) {
      changed = true;
    } else {
      kept.push(entry);
    }
  }
  return { kept, removed: entries.length - kept.length, changed };
}
