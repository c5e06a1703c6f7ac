import { z } from 'zod';
import type { LedgerEvent } from '../domain/help/ledger-events.ts';
import { addEvent, mergeTallies, type MemberTally } from '../domain/help/tally.ts';
import { localDayKeyer } from '../domain/help/week.ts';
import { MEETING_ACTIONS } from '../domain/meetings/format.ts';
import { TASK_OUTCOMES } from '../domain/tasks/practical-task.ts';
import { guildKey } from './guild-key.ts';
import type { GuildIndex } from './guild-index.ts';
import { dayTalliesV1toV2, TALLY_FIELDS, tallyRow, type DayTalliesV1, type DayTalliesV2, type TallyRow } from './migrations.ts';
import type { GuildWrite } from './guild-write-queue.ts';
import type { Store } from './sqlite-store.ts';
import { readThrough } from './read-cache.ts';
import {
  accept,
  deleteRecords,
  ListRecord,
  olderVersion,
  readChecked,
  readManyChecked,
  readRecord,
  reportCorrupt,
  VersionedRecord,
  writeRecord,
} from './stored-record.ts';

/**
 * Events per chunk: an append rewrites at most this many events (the day's last chunk). In a meeting
 * every check-in appends one, so small chunks keep each of those writes small (a chunk of 100 cost a
 * 17 kB rewrite per check-in); reading a busy day of a few thousand events is still a few queries.
 */
export const CHUNK_EVENTS = 25;
/** Chunk keys asked for per query when reading a day: most days fit in one query. */
const PROBE = 32;

const base = { id: z.string(), at: z.string() };
const offer = { ...base, offerId: z.string(), requestId: z.string(), giverId: z.string(), receiverId: z.string() };

/** One schema per known kind, chosen by `kind`: a known kind is checked field by field. */
const knownKinds = new Map<string, z.ZodType<LedgerEvent>>([
  ['request-opened', z.object({ ...base, kind: z.literal('request-opened'), requestId: z.string(), memberId: z.string(), anonymous: z.boolean() })],
  ['request-closed', z.object({ ...base, kind: z.literal('request-closed'), requestId: z.string(), memberId: z.string() })],
  ['offer-made', z.object({ ...offer, kind: z.literal('offer-made') })],
  ['offer-confirmed', z.object({ ...offer, kind: z.literal('offer-confirmed') })],
  ['task-committed', z.object({ ...base, kind: z.literal('task-committed'), memberId: z.string(), taskId: z.string(), meetingId: z.string().nullable() })],
  ['task-reported', z.object({ ...base, kind: z.literal('task-reported'), memberId: z.string(), taskId: z.string(), outcome: z.enum(TASK_OUTCOMES) })],
  ['meeting-action', z.object({ ...base, kind: z.literal('meeting-action'), memberId: z.string(), meetingId: z.string(), action: z.enum(MEETING_ACTIONS) })],
] satisfies Array<[LedgerEvent['kind'], z.ZodType<LedgerEvent>]>);

/**
 * An event of a kind this release does not know (written by a later one) is kept as it is: the tally
 * and `membersOf` already treat such events as activity of their `memberId` and nothing more.
 */
const laterKindEvent = z.looseObject({ ...base, kind: z.string() }) as unknown as z.ZodType<LedgerEvent>;

/** A chunk of a day's events (`ledger:<day>`, `ledger:<day>:<n>`). */
class LedgerChunk extends ListRecord<LedgerEvent> {
  constructor() {
    super(laterKindEvent);
  }

  protected override parseItem(entry: unknown): z.ZodSafeParseResult<LedgerEvent> {
    const kind = (entry as { kind?: unknown } | null)?.kind;
    return ((typeof kind === 'string' && knownKinds.get(kind)) || laterKindEvent).safeParse(entry);
  }
}

const ledgerChunk = new LedgerChunk();

const count = z.number().int().nonnegative();
const isCount = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0;
/** Checked by one predicate rather than five schemas: /stats reads tens of thousands of rows cold. */
const tallyRowSchema = z.custom<TallyRow>(
  (row) => Array.isArray(row) && row.length === TALLY_FIELDS.length && row.every(isCount),
  'a tally row is five counts',
);

/** Version 1: member id -> tally object, the day's events all under `ledger:<day>`. */
const dayTalliesV1: z.ZodType<DayTalliesV1> = z.record(
  z.string(),
  z.object({ memberId: z.string(), given: count, received: count, requests: count, confirmedGiven: count, confirmedReceived: count }),
);

/** `guild:<id>:tally:<day>`, version 2: `{ "v": 2, "chunks": n, "members": { "<id>": [given, received, requests, confirmedGiven, confirmedReceived] } }`. */
export const dayTalliesRecord = new VersionedRecord<DayTalliesV2>(z.object({ chunks: count, members: z.record(z.string(), tallyRowSchema) }), [
  olderVersion(dayTalliesV1, dayTalliesV1toV2),
]);

const dayList = new ListRecord(z.string().regex(/^\d{4}-\d{2}-\d{2}$/));

const chunkKey = (guildId: string, day: string, index: number) => guildKey(guildId, index === 0 ? `ledger:${day}` : `ledger:${day}:${index}`);
const tallyKey = (guildId: string, day: string) => guildKey(guildId, `tally:${day}`);

const fromRow = (memberId: string, row: TallyRow): MemberTally => ({
  memberId,
  given: row[0],
  received: row[1],
  requests: row[2],
  confirmedGiven: row[3],
  confirmedReceived: row[4],
});

const copyTallies = (tallies: ReadonlyMap<string, MemberTally>) => new Map([...tallies].map(([memberId, tally]) => [memberId, { ...tally }]));

/** What is known of one day: how many chunks hold its events and their per-member counts. */
interface DayState {
  readonly chunks: number;
  readonly tallies: Map<string, MemberTally>;
}

/**
 * The append-only help ledger, bucketed by the guild's local day. A day's events are kept in chunks of
 * up to {@link CHUNK_EVENTS} (`ledger:<day>`, then `ledger:<day>:1`, `:2`, ...), so an append writes
 * only the day's last chunk, never the whole day; `tally:<day>` holds the day's per-member counts and
 * how many chunks there are, so a 28-day window is 28 small reads however long the history is. The
 * writing methods take the guild's write handle.
 *
 * An event that fails its schema is reported and left out of what is read; a day's tallies that fail
 * theirs are reported and rebuilt from the day's events.
 *
 * The merged window of each guild is kept in memory and updated as events are appended, so /stats
 * and typing read no history at all once warm.
 */
export class LedgerStore {
  /**
   * Per guild, the day most recently written (almost always today): its chunk count, its last chunk
   * and its tallies. This process is the guild's only writer, so these stay true and an append needs
   * no reads (a burst of check-ins would otherwise read the same records for every one).
   */
  private readonly recent = new Map<string, { day: string; chunks: number; last: readonly LedgerEvent[]; tallies: Map<string, MemberTally> }>();
  private readonly dayLists = new Map<string, string[]>();
  /** One day keyer per time zone: placing an event in its local day is on every append (luxon is slow). */
  private readonly dayKeyers = new Map<string, (at: Date | number) => string>();
  /** Per guild, how many appends and rewrites it has had: a window read meanwhile is not kept. */
  private readonly appends = new Map<string, number>();
  /** Per guild, the few windows in use (the rolling window, this week), keyed by their days. */
  private readonly windows = new Map<string, Map<string, { days: Set<string>; merged: Map<string, MemberTally> }>>();

  /** `guilds`, when given, learns each guild that keeps ledger events (for the retention purge). */
  constructor(
    private readonly store: Store,
    private readonly guilds?: GuildIndex,
  ) {
    // A failed commit drops writes these may hold.
    store.onRollback(() => {
      this.recent.clear();
      this.dayLists.clear();
      this.windows.clear();
      for (const guildId of this.appends.keys()) this.appends.set(guildId, (this.appends.get(guildId) ?? 0) + 1);
    });
  }

  /**
   * Reads what an append of `events` will need (the guild index, the list of days, the day's last
   * chunk and tallies), so that the append then hands its writes over at once: together with what the
   * caller writes beside it, in one group-commit transaction.
   */
  async prepare(guildId: string, events: readonly LedgerEvent[], timezone: string): Promise<void> {
    // Listing the guild is a write of its own (once per guild), so it is done here, before.
    if (events.length > 0) await this.guilds?.add(guildId);
    await this.days(guildId);
    const dayOf = this.dayKeyer(timezone);
    for (const day of new Set(events.map((event) => dayOf(Date.parse(event.at))))) await this.openRecent(guildId, day);
  }

  /**
   * {@link prepare} ahead of appends that are about to come (a meeting starting: its members' check-ins
   * follow, all at once): the guild listed, its days, and the local day of `at` read. In the guild's
   * write queue, as every change to what an append builds on.
   */
  async prepareDay(tx: GuildWrite, at: Date, timezone: string): Promise<void> {
    await this.guilds?.add(tx.guildId);
    await this.days(tx.guildId);
    await this.openRecent(tx.guildId, this.dayKeyer(timezone)(at.getTime()));
  }

  /** Keeps `day` as the guild's day last written, read from the store unless it already is. */
  private async openRecent(guildId: string, day: string): Promise<void> {
    if (this.recent.get(guildId)?.day === day) return;
    const rollbacks = this.store.rollbacks;
    const opened = await this.openDay(guildId, day);
    // A read a failed commit overtook may hold what it dropped: not kept (the append reads again).
    if (this.store.rollbacks === rollbacks) this.recent.set(guildId, { day, ...opened });
  }

  /** Which local day an event falls on, in `timezone` (one keyer per zone: luxon is slow per event). */
  private dayKeyer(timezone: string): (at: number) => string {
    const known = this.dayKeyers.get(timezone);
    if (known) return known;
    const made = localDayKeyer(timezone);
    this.dayKeyers.set(timezone, made);
    return made;
  }

  async append(tx: GuildWrite, events: readonly LedgerEvent[], timezone: string): Promise<void> {
    const { guildId } = tx;
    if (events.length > 0) await this.guilds?.add(guildId);
    const byDay = new Map<string, LedgerEvent[]>();
    const dayOf = this.dayKeyer(timezone);
    for (const event of events) {
      const day = dayOf(Date.parse(event.at));
      const list = byDay.get(day);
      if (list) list.push(event);
      else byDay.set(day, [event]);
    }
    for (const [day, dayEvents] of byDay) {
      const before = await this.openDay(guildId, day);
      const days = await this.days(guildId);
      // Copies, so a failed write leaves memory as the store is.
      const tallies = copyTallies(before.tallies);
      let index = Math.max(before.chunks - 1, 0);
      let chunk = [...before.last];
      let changed = false;
      const chunkWrites: Array<[number, LedgerEvent[]]> = [];
      for (const event of dayEvents) {
        if (chunk.length >= CHUNK_EVENTS) {
          if (changed) chunkWrites.push([index, chunk]);
          index += 1;
          chunk = [];
        }
        chunk.push(event);
        changed = true;
        addEvent(tallies, event);
      }
      chunkWrites.push([index, chunk]);
      const chunks = index + 1;
      const nextDays = days.includes(day) ? undefined : [...days, day].sort();
      // Handed over together, so the group commit stores the chunks, the tallies that count them and
      // the list of days in one transaction: a crash keeps all of an append or none of it.
      await Promise.all([
        ...chunkWrites.map(([at, chunkEvents]) => writeRecord(this.store, tx, chunkKey(guildId, day, at), ledgerChunk, chunkEvents)),
        this.writeTallies(tx, day, chunks, tallies),
        nextDays && writeRecord(this.store, tx, guildKey(guildId, 'ledger-days'), dayList, nextDays),
      ]);
      this.recent.set(guildId, { day, chunks, last: chunk, tallies });
      if (nextDays) this.dayLists.set(guildId, nextDays);
      for (const window of this.windows.get(guildId)?.values() ?? []) {
        if (window.days.has(day)) for (const event of dayEvents) addEvent(window.merged, event);
      }
      this.overtake(guildId);
    }
  }

  /** Marks the guild's windows being read now as overtaken (see {@link windowTallies}). */
  private overtake(guildId: string): void {
    this.appends.set(guildId, (this.appends.get(guildId) ?? 0) + 1);
  }

  /** Replaces one day's events (member deletion, retention) and recomputes that day's tallies. */
  async rewriteDay(tx: GuildWrite, day: string, events: readonly LedgerEvent[]): Promise<void> {
    this.recent.delete(tx.guildId);
    try {
      await this.replaceDay(tx, day, events);
    } finally {
      // Windows are read again from the store: any kept (or being read) now may count what went.
      this.windows.delete(tx.guildId);
      this.overtake(tx.guildId);
    }
  }

  private async replaceDay(tx: GuildWrite, day: string, events: readonly LedgerEvent[]): Promise<void> {
    const { guildId } = tx;
    // Every chunk there is, counted or not, so nothing of a deleted member's is left behind.
    const before = (await this.probeChunks(guildId, day)).chunks;
    const chunkKeys = (from: number, to: number) => Array.from({ length: Math.max(to - from, 0) }, (_, index) => chunkKey(guildId, day, from + index));
    if (events.length === 0) {
      const days = (await this.days(guildId)).filter((d) => d !== day);
      // Together, so the day's events, its tallies and its place in the list go in one transaction.
      await Promise.all([
        deleteRecords(this.store, tx, [...chunkKeys(0, before), tallyKey(guildId, day)]),
        writeRecord(this.store, tx, guildKey(guildId, 'ledger-days'), dayList, days),
      ]);
      this.dayLists.set(guildId, days);
      return;
    }
    const tallies = new Map<string, MemberTally>();
    for (const event of events) addEvent(tallies, event);
    const chunks = Math.ceil(events.length / CHUNK_EVENTS);
    await Promise.all([
      ...chunkKeys(0, chunks).map((key, index) =>
        writeRecord(this.store, tx, key, ledgerChunk, events.slice(index * CHUNK_EVENTS, (index + 1) * CHUNK_EVENTS)),
      ),
      this.writeTallies(tx, day, chunks, tallies),
      before > chunks && deleteRecords(this.store, tx, chunkKeys(chunks, before)),
    ]);
  }

  async days(guildId: string): Promise<string[]> {
    return readThrough(this.store, this.dayLists, guildId, async () => (await readRecord(this.store, guildKey(guildId, 'ledger-days'), dayList)) ?? []);
  }

  /** The day's events in the order they were appended. */
  async dayEvents(guildId: string, day: string): Promise<LedgerEvent[]> {
    const cached = this.recent.get(guildId);
    if (cached?.day === day) return this.readChunks(guildId, day, cached.chunks);
    // Chunks are numbered without gaps, so reading until one is missing finds the day's events
    // without reading its tallies (cold, those are the larger record).
    return (await this.probeChunks(guildId, day)).events;
  }

  /** Per-member counts over the given local days, merged. Served from memory while the days are the same. */
  async windowTallies(guildId: string, days: readonly string[]): Promise<Map<string, MemberTally>> {
    const key = days.join(',');
    const guildWindows = this.windows.get(guildId) ?? new Map();
    this.windows.set(guildId, guildWindows);
    const cached = guildWindows.get(key);
    if (cached) return cached.merged;
    for (let attempt = 1; ; attempt += 1) {
      const appendsBefore = this.appends.get(guildId) ?? 0;
      const parts = await Promise.all(days.map(async (day) => (await this.dayState(guildId, day)).tallies));
      const merged = mergeTallies(parts);
      // An append while the days were read may be in some of them and not others: read again, and keep
      // in memory only a window no append overtook (appends keep a kept window up to date themselves).
      if ((this.appends.get(guildId) ?? 0) !== appendsBefore) {
        if (attempt < 3) continue;
        return merged;
      }
      const current = this.windows.get(guildId) ?? guildWindows;
      this.windows.set(guildId, current);
      // Windows move on with the days: keep the newest few, drop the rest.
      if (current.size >= 4) current.delete(current.keys().next().value!);
      current.set(key, { days: new Set(days), merged });
      return merged;
    }
  }

  /** The day as an append finds it: from memory when it is the day last written, else from the store. */
  private async openDay(guildId: string, day: string): Promise<{ chunks: number; last: readonly LedgerEvent[]; tallies: Map<string, MemberTally> }> {
    const cached = this.recent.get(guildId);
    if (cached?.day === day) return cached;
    const { chunks, tallies } = await this.dayState(guildId, day);
    const last = chunks === 0 ? [] : await this.readChunks(guildId, day, chunks, chunks - 1);
    return { chunks, last, tallies };
  }

  /**
   * The day's chunk count and tallies. Tallies that fail their schema are rebuilt from the day's
   * events (found by reading chunks until one is missing) and reported; the next append to the day
   * stores them again.
   */
  private async dayState(guildId: string, day: string): Promise<DayState> {
    const key = tallyKey(guildId, day);
    const checked = await readChecked(this.store, key, dayTalliesRecord);
    if (!checked.found) return { chunks: 0, tallies: new Map() };
    if (checked.value !== undefined) {
      return {
        chunks: checked.value.chunks,
        tallies: new Map(Object.entries(checked.value.members).map(([memberId, row]) => [memberId, fromRow(memberId, row)])),
      };
    }
    const { chunks, events } = await this.probeChunks(guildId, day);
    const tallies = new Map<string, MemberTally>();
    for (const event of events) addEvent(tallies, event);
    reportCorrupt(this.store, { key, issues: checked.issues, outcome: 'rebuilt' });
    return { chunks, tallies };
  }

  /** Chunks `from`..`chunks - 1` of the day, in one query. */
  private async readChunks(guildId: string, day: string, chunks: number, from = 0): Promise<LedgerEvent[]> {
    const keys = Array.from({ length: chunks - from }, (_, index) => chunkKey(guildId, day, from + index));
    const read = await readManyChecked(this.store, keys, ledgerChunk);
    return read.flatMap((checked, index) => accept(this.store, keys[index]!, checked) ?? []);
  }

  /** Every chunk of the day, read {@link PROBE} keys a query until one is missing. */
  private async probeChunks(guildId: string, day: string): Promise<{ chunks: number; events: LedgerEvent[] }> {
    const events: LedgerEvent[] = [];
    for (let from = 0; ; from += PROBE) {
      const keys = Array.from({ length: PROBE }, (_, index) => chunkKey(guildId, day, from + index));
      const read = await readManyChecked(this.store, keys, ledgerChunk);
      for (const [index, checked] of read.entries()) {
        if (!checked.found) return { chunks: from + index, events };
        events.push(...(accept(this.store, keys[index]!, checked) ?? []));
      }
    }
  }

  private async writeTallies(tx: GuildWrite, day: string, chunks: number, tallies: ReadonlyMap<string, MemberTally>): Promise<void> {
    const members: Record<string, TallyRow> = {};
    for (const [memberId, tally] of tallies) members[memberId] = tallyRow(tally);
    await writeRecord(this.store, tx, tallyKey(tx.guildId, day), dayTalliesRecord, { chunks, members });
  }
}
