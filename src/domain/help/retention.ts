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
