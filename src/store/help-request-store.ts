import type { HelpRequest } from '../domain/requests/help-request.ts';
import { guildKey } from './guild-document.ts';
import type { GuildIndex } from './guild-index.ts';
import type { Store } from './sqlite-store.ts';

/** What autocomplete and invitations need about an open request, without loading each one. */
export interface OpenRequestEntry {
  readonly id: string;
  readonly askerId: string;
  readonly topic: string;
  readonly openedAt: string;
}

/**
 * Help requests, one key each (`request:<id>`), plus a per-guild index of the open ones, kept in
 * memory after its first read. Call `put` only inside the guild's write queue.
 */
export class HelpRequestStore {
  private readonly openIndex = new Map<string, OpenRequestEntry[]>();

  /** `guilds`, when given, learns each guild that keeps a request (for the retention purge). */
  constructor(
    private readonly store: Store,
    private readonly guilds?: GuildIndex,
  ) {}

  async get(guildId: string, requestId: string): Promise<HelpRequest | undefined> {
    return (await this.store.keyv.get(guildKey(guildId, `request:${requestId}`))) as HelpRequest | undefined;
  }

  async put(guildId: string, request: HelpRequest): Promise<void> {
    await this.store.keyv.set(guildKey(guildId, `request:${request.id}`), request);
    const others = (await this.open(guildId)).filter((entry) => entry.id !== request.id);
    const next =
      request.status === 'open'
        ? [...others, { id: request.id, askerId: request.askerId, topic: request.topic, openedAt: request.openedAt }]
        : others;
    await this.store.keyv.set(guildKey(guildId, 'open-requests'), next);
    this.openIndex.set(guildId, next);
  }

  async remove(guildId: string, requestId: string): Promise<void> {
    await this.store.keyv.delete(guildKey(guildId, `request:${requestId}`));
    const next = (await this.open(guildId)).filter((entry) => entry.id !== requestId);
    await this.store.keyv.set(guildKey(guildId, 'open-requests'), next);
    this.openIndex.set(guildId, next);
  }

  /** Open requests, oldest first. */
  async open(guildId: string): Promise<OpenRequestEntry[]> {
    const cached = this.openIndex.get(guildId);
    if (cached) return cached;
    const stored = ((await this.store.keyv.get(guildKey(guildId, 'open-requests'))) as OpenRequestEntry[] | undefined) ?? [];
    this.openIndex.set(guildId, stored);
    return stored;
  }

  /** Every request id ever kept for the guild (export, delete, retention). */
  async allIds(guildId: string): Promise<string[]> {
    return ((await this.store.keyv.get(guildKey(guildId, 'request-ids'))) as string[] | undefined) ?? [];
  }

  async remember(guildId: string, requestId: string): Promise<void> {
    await this.guilds?.add(guildId);
    const ids = await this.allIds(guildId);
    if (!ids.includes(requestId)) await this.store.keyv.set(guildKey(guildId, 'request-ids'), [...ids, requestId]);
  }

  async forget(guildId: string, requestIds: readonly string[]): Promise<void> {
    const drop = new Set(requestIds);
    await this.store.keyv.set(guildKey(guildId, 'request-ids'), (await this.allIds(guildId)).filter((id) => !drop.has(id)));
  }
}
