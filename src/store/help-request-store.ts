import { z } from 'zod';
import type { HelpRequest, Offer, RequestAddition } from '../domain/requests/help-request.ts';
import { guildKey } from './guild-key.ts';
import { idList, type GuildIndex } from './guild-index.ts';
import type { GuildWrite } from './guild-write-queue.ts';
import type { Store } from './sqlite-store.ts';
import { deleteRecord, ListRecord, readRecord, VersionedRecord, writeRecord } from './stored-record.ts';
import { readThrough } from './read-cache.ts';

/** What autocomplete and invitations need about an open request, without loading each one. */
export interface OpenRequestEntry {
  readonly id: string;
  readonly askerId: string;
  readonly topic: string;
  readonly openedAt: string;
}

const offer: z.ZodType<Offer> = z.object({
  id: z.string(),
  giverId: z.string(),
  message: z.string().nullable(),
  at: z.string(),
  confirmed: z.boolean(),
  messageId: z.string().nullable(),
});

const addition: z.ZodType<RequestAddition> = z.object({ id: z.string(), at: z.string(), messageId: z.string().nullable(), words: z.string().optional() });

/** `guild:<id>:request:<id>`, version 1 (`additions` is absent on requests stored before it existed). */
export const helpRequestRecord = new VersionedRecord<HelpRequest>(
  z.object({
    id: z.string(),
    askerId: z.string(),
    topic: z.string(),
    anonymous: z.boolean(),
    status: z.enum(['open', 'closed']),
    openedAt: z.string(),
    closedAt: z.string().nullable(),
    channelId: z.string(),
    messageId: z.string().nullable(),
    threadId: z.string().nullable(),
    offers: z.array(offer),
    additions: z.array(addition).optional(),
  }),
);

/** `guild:<id>:open-requests`: one entry per open request. */
export const openRequestList = new ListRecord<OpenRequestEntry>(z.object({ id: z.string(), askerId: z.string(), topic: z.string(), openedAt: z.string() }));

/**
 * Help requests, one key each (`request:<id>`), plus a per-guild index of the open ones, kept in
 * memory after its first read. Writes take the guild's write handle. A request that fails its schema
 * is reported and read as absent: the member is told it is no longer there.
 */
export class HelpRequestStore {
  private readonly openIndex = new Map<string, OpenRequestEntry[]>();

  /** `guilds`, when given, learns each guild that keeps a request (for the retention purge). */
  constructor(
    private readonly store: Store,
    private readonly guilds?: GuildIndex,
  ) {
    // A failed commit drops writes this index may hold.
    store.onRollback(() => this.openIndex.clear());
  }

  get(guildId: string, requestId: string): Promise<HelpRequest | undefined> {
    return readRecord(this.store, guildKey(guildId, `request:${requestId}`), helpRequestRecord);
  }

  async put(tx: GuildWrite, request: HelpRequest): Promise<void> {
    const { guildId } = tx;
    await writeRecord(this.store, tx, guildKey(guildId, `request:${request.id}`), helpRequestRecord, request);
    const others = (await this.open(guildId)).filter((entry) => entry.id !== request.id);
    const next =
      request.status === 'open' ? [...others, { id: request.id, askerId: request.askerId, topic: request.topic, openedAt: request.openedAt }] : others;
    await writeRecord(this.store, tx, guildKey(guildId, 'open-requests'), openRequestList, next);
    this.openIndex.set(guildId, next);
  }

  async remove(tx: GuildWrite, requestId: string): Promise<void> {
    const { guildId } = tx;
    await deleteRecord(this.store, tx, guildKey(guildId, `request:${requestId}`));
    const next = (await this.open(guildId)).filter((entry) => entry.id !== requestId);
    await writeRecord(this.store, tx, guildKey(guildId, 'open-requests'), openRequestList, next);
    this.openIndex.set(guildId, next);
  }

  /** Open requests, oldest first. */
  async open(guildId: string): Promise<OpenRequestEntry[]> {
    return readThrough(
      this.store,
      this.openIndex,
      guildId,
      async () => (await readRecord(this.store, guildKey(guildId, 'open-requests'), openRequestList)) ?? [],
    );
  }

  /** Every request id ever kept for the guild (export, delete, retention). */
  async allIds(guildId: string): Promise<string[]> {
    return (await readRecord(this.store, guildKey(guildId, 'request-ids'), idList)) ?? [];
  }

  async remember(tx: GuildWrite, requestId: string): Promise<void> {
    const { guildId } = tx;
    await this.guilds?.add(guildId);
    const ids = await this.allIds(guildId);
    if (!ids.includes(requestId)) await writeRecord(this.store, tx, guildKey(guildId, 'request-ids'), idList, [...ids, requestId]);
  }

  async forget(tx: GuildWrite, requestIds: readonly string[]): Promise<void> {
    const { guildId } = tx;
    const drop = new Set(requestIds);
    await writeRecord(
      this.store,
      tx,
      guildKey(guildId, 'request-ids'),
      idList,
      (await this.allIds(guildId)).filter((id) => !drop.has(id)),
    );
  }
}
