import { DiscordAPIError, type Client, type GuildMessageManager, type MessageEditOptions } from 'discord.js';
import type { Logger } from '../logging/logger.ts';
import type { DeletionOutcome } from '../services/privacy-service.ts';
import { text } from '../texts/texts.ts';
import { NO_MENTIONS } from './reply.ts';
import { alertMessage, takenLine } from './crisis-care.ts';

const UNKNOWN_CHANNEL = 10003;
const UNKNOWN_MESSAGE = 10008;

/** Already gone from Discord (deleted by someone, or the channel removed): nothing left to clean. */
const alreadyGone = (error: unknown) => error instanceof DiscordAPIError && (error.code === UNKNOWN_MESSAGE || error.code === UNKNOWN_CHANNEL);

/** One change to one of the bot's posts. `unname` replaces the member's mention with neutral words. */
type PostChange =
  | { readonly kind: 'edit'; readonly messageId: string; readonly edit: MessageEditOptions }
  | { readonly kind: 'delete'; readonly messageId: string }
  | { readonly kind: 'unname'; readonly messageId: string; readonly memberId: string };

/** Everything to do in one channel or thread; `close` renames, locks and archives the thread afterwards. */
interface ChannelWork {
  readonly changes: PostChange[];
  close?: { readonly name: string };
}

/** What clearing a member's posts achieved: posts (or thread titles) that could not be cleaned. */
export interface ClearedPosts {
  /** Posts deleted, or edited so they no longer show the member's words or name. */
  readonly cleaned: number;
  /** Posts (or thread titles) that may still show the member's words or name. */
  readonly failed: number;
}

/**
 * After a member deleted their data, Discord is brought in line with the store:
 * - their request posts say the request was removed (words, name and buttons gone); a request's own
 *   thread is renamed, locked and archived; the bot's offer posts on it are deleted (they may mention
 *   the asker), wherever they are: in that thread, or in the meeting thread a request was raised in;
 * - the bot's posts of their offers on others' requests are deleted;
 * - their shared check-ins in meeting threads are deleted, and meeting posts naming them as chair or
 *   invited chair say "a member" instead.
 * Work is grouped by channel. An archived or locked thread is unarchived and unlocked first (Discord
 * refuses changes to messages in an archived thread), and put back exactly as it was afterwards.
 * Best effort: every failure is logged and counted, never thrown, because the data itself is already gone.
 */
export async function clearDeletedPosts(client: Client, outcome: DeletionOutcome, logger: Logger): Promise<ClearedPosts> {
  const work = new Map<string, ChannelWork>();
  const inChannel = (channelId: string): ChannelWork => {
    let entry = work.get(channelId);
    if (!entry) {
      entry = { changes: [] };
      work.set(channelId, entry);
    }
    return entry;
  };

  for (const request of outcome.removedRequests) {
    if (request.messageId) {
      inChannel(request.channelId).changes.push({
        kind: 'edit',
        messageId: request.messageId,
        edit: { content: text('privacy.removed.post'), components: [], allowedMentions: NO_MENTIONS },
      });
    }
    const offersChannel = request.threadId ?? request.channelId;
    for (const offer of request.offers) if (offer.messageId) inChannel(offersChannel).changes.push({ kind: 'delete', messageId: offer.messageId });
    if (request.threadId) inChannel(request.threadId).close = { name: text('privacy.removed.thread') };
  }
  for (const { request, offer } of outcome.removedOffers) {
    if (offer.messageId) inChannel(request.threadId ?? request.channelId).changes.push({ kind: 'delete', messageId: offer.messageId });
  }
  // A request's additions (posted by the bot for an anonymous asker) repeat their words: they go.
  for (const request of outcome.removedRequests) {
    for (const addition of request.additions ?? [])
      if (addition.messageId) inChannel(request.threadId ?? request.channelId).changes.push({ kind: 'delete', messageId: addition.messageId });
  }
  // Crisis alerts about the member keep that they happened, without name, link or words; one the member
  // took as a moderator keeps that it was taken, not by whom.
  for (const alert of outcome.redactedAlerts) {
    if (!alert.channelId) continue;
    const shown = { content: alertMessage(alert, undefined).content, components: [], allowedMentions: NO_MENTIONS };
    if (alert.messageId) inChannel(alert.channelId).changes.push({ kind: 'edit', messageId: alert.messageId, edit: shown });
    const followUp = alert.redacted ? shown : { content: takenLine(alert), components: [], allowedMentions: NO_MENTIONS };
    if (alert.followUpMessageId) inChannel(alert.channelId).changes.push({ kind: 'edit', messageId: alert.followUpMessageId, edit: followUp });
  }
  for (const post of outcome.meetingPosts) {
    inChannel(post.channelId).changes.push(
      post.action === 'delete' ? { kind: 'delete', messageId: post.messageId } : { kind: 'unname', messageId: post.messageId, memberId: post.memberId },
    );
  }

  let cleaned = 0;
  let failed = 0;
  for (const [channelId, { changes, close }] of work) {
    const outcomeHere = await clearInChannel(client, channelId, changes, close, logger);
    cleaned += outcomeHere.cleaned;
    failed += outcomeHere.failed;
  }
  return { cleaned, failed };
}

async function clearInChannel(
  client: Client,
  channelId: string,
  changes: readonly PostChange[],
  close: ChannelWork['close'],
  logger: Logger,
): Promise<ClearedPosts> {
  const all = changes.length + (close ? 1 : 0);
  const warn = (error: unknown, what: string, ids: Record<string, string> = {}) =>
    logger.warn({ err: error, channelId, ...ids }, `could not ${what} after a member deleted their data`);

  let channel: Awaited<ReturnType<Client['channels']['fetch']>>;
  try {
    channel = await client.channels.fetch(channelId, { force: true });
  } catch (error) {
    if (alreadyGone(error)) return { cleaned: 0, failed: 0 };
    warn(error, 'open a channel');
    return { cleaned: 0, failed: all };
  }
  if (!channel?.isTextBased() || channel.isDMBased()) return { cleaned: 0, failed: 0 };

  const thread = channel.isThread() ? channel : null;
  const before = thread ? { archived: thread.archived === true, locked: thread.locked === true } : null;
  if (thread && before && (before.archived || before.locked)) {
    try {
      await thread.edit({ archived: false, locked: false });
    } catch (error) {
      warn(error, 'reopen an archived or locked thread');
      return { cleaned: 0, failed: all };
    }
  }

  let cleaned = 0;
  let failed = 0;
  for (const change of changes) {
    try {
      const done = await applyChange(channel.messages, change);
      if (done) cleaned += 1;
    } catch (error) {
      if (alreadyGone(error)) continue;
      failed += 1;
      warn(error, `${change.kind} a post`, { messageId: change.messageId });
    }
  }

  if (thread && before) {
    if (close) {
      try {
        await thread.edit({ name: close.name, locked: true, archived: true });
      } catch (error) {
        failed += 1; // its title still shows the request's words
        warn(error, 'rename and close a removed request thread');
      }
    } else if (before.archived || before.locked) {
      try {
        await thread.edit({ archived: before.archived, locked: before.locked });
      } catch (error) {
        warn(error, 'put a thread back as archived or locked'); // nothing of the member shows; a moderator can close it
      }
    }
  }
  return { cleaned, failed };
}

/** Applies one change; false when there was nothing to change (an unname on a post that no longer names them). */
async function applyChange(messages: GuildMessageManager, change: PostChange): Promise<boolean> {
  switch (change.kind) {
    case 'edit':
      await messages.edit(change.messageId, change.edit);
      return true;
    case 'delete':
      await messages.delete(change.messageId);
      return true;
    case 'unname': {
      const message = await messages.fetch({ message: change.messageId, force: true });
      const mention = new RegExp(`<@!?${change.memberId}>`, 'g');
      if (!mention.test(message.content)) return false;
      const someone = text('meeting.chair.someone');
      const content = message.content.replace(mention, (_match, offset: number, whole: string) =>
        // "a member", or "A member" where the mention began a sentence or line.
        /(^|[.!?]\s+|\n)$/.test(whole.slice(0, offset)) ? someone.charAt(0).toUpperCase() + someone.slice(1) : someone,
      );
      await messages.edit(change.messageId, { content, allowedMentions: NO_MENTIONS });
      return true;
    }
  }
}
