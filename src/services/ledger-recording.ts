import { membersOf, type LedgerEvent } from '../domain/help/ledger-events.ts';
import type { GuildWrite } from '../store/guild-write-queue.ts';
import type { LedgerStore } from '../store/ledger-store.ts';
import type { MemberPrefsStore } from '../store/member-prefs-store.ts';

/** The stores every service that writes to the ledger shares (the same instances, for their caches). */
export interface LedgerRecordingDeps {
  readonly ledger: LedgerStore;
  readonly prefs: MemberPrefsStore;
}

/**
 * The one way into the ledger: appends `events` to the handle's guild in its time zone, leaving out any
 * that name a member who paused recording (`/privacy pause`). Returns the events kept.
 */
export async function recordEvents(deps: LedgerRecordingDeps, tx: GuildWrite, timezone: string, events: readonly LedgerEvent[]): Promise<LedgerEvent[]> {
  const kept: LedgerEvent[] = [];
  for (const event of events) {
    const paused = await Promise.all(membersOf(event).map(async (id) => (await deps.prefs.get(tx.guildId, id)).recordingPaused));
    if (!paused.includes(true)) kept.push(event);
  }
  if (kept.length > 0) await deps.ledger.append(tx, kept, timezone);
  return kept;
}

/**
 * The reads {@link recordEvents} needs, done ahead: after this, recording hands its writes over at
 * once, so a caller that writes beside it (a meeting action) gets both in one transaction.
 */
export async function prepareEvents(deps: LedgerRecordingDeps, guildId: string, timezone: string, events: readonly LedgerEvent[]): Promise<void> {
  await Promise.all([...new Set(events.flatMap(membersOf))].map((id) => deps.prefs.get(guildId, id)));
  await deps.ledger.prepare(guildId, events, timezone);
}

/**
 * Reads ahead what the actions of a meeting that is starting will need (the members' choices, the
 * guild's ledger day), in its run: its members check in within moments of each other, and without this
 * the first of them in every circle would each wait for those reads.
 */
export async function prepareForMeeting(deps: LedgerRecordingDeps, tx: GuildWrite, at: Date, timezone: string): Promise<void> {
  // Only reading ahead: if it fails, the actions read for themselves, and the meeting (already handed
  // over with its run) must not be refused for it.
  await Promise.all([deps.prefs.warm(tx.guildId), deps.ledger.prepareDay(tx, at, timezone)]).catch(() => undefined);
}

/** Removes matching events from every day of the handle's guild's ledger; returns how many went. */
export async function removeEvents(ledger: LedgerStore, tx: GuildWrite, matches: (event: LedgerEvent) => boolean): Promise<number> {
  const { guildId } = tx;
  let removed = 0;
  for (const day of await ledger.days(guildId)) {
    const events = await ledger.dayEvents(guildId, day);
    const kept = events.filter((event) => !matches(event));
    if (kept.length !== events.length) {
      removed += events.length - kept.length;
      await ledger.rewriteDay(tx, day, kept);
    }
  }
  return removed;
}
