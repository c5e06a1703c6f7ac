import { DiscordAPIError, type Client, type TextChannel, type ThreadChannel } from 'discord.js';
import type { Logger } from '../logging/logger.ts';
import type { DeletionOutcome } from '../services/privacy-service.ts';
import { text } from '../texts/texts.ts';
import { NO_MENTIONS } from './reply.ts';

const UNKNOWN_CHANNEL = 10003;
const UNKNOWN_MESSAGE = 10008;

/** Already gone from Discord (deleted by someone, or the channel removed): nothing left to clean. */
const alreadyGone = (error: unknown) => error instanceof DiscordAPIError && (error.code === UNKNOWN_MESSAGE || error.code === UNKNOWN_CHANNEL);

/**
 * After a member deleted their data: each of their request posts says it was removed (its words, name
 * and buttons gone), its thread is renamed, locked and archived, and the bot's offer posts in it are
 * deleted (they answered a request that no longer exists, and may mention the asker); the member's own
 * offers on others' requests are deleted too. Best effort: every failure is logged and counted, never
 * thrown, because the data itself is already gone.
 */
export async function clearDeletedPosts(client: Client, outcome: DeletionOutcome, logger: Logger): Promise<number> {
  let failures = 0;
  const attempt = async (what: string, ids: Record<string, string | null>, action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (error) {
      if (alreadyGone(error)) return;
      failures += 1;
      logger.warn({ err: error, ...ids }, `could not ${what} after a member deleted their data`);
    }
  };

  for (const request of outcome.removedRequests) {
    const ids = { requestId: request.id, channelId: request.channelId };
    if (request.messageId) {
      const messageId = request.messageId;
      await attempt('mark a request post removed', { ...ids, messageId }, async () => {
        const channel = (await client.channels.fetch(request.channelId)) as TextChannel;
        await channel.messages.edit(messageId, { content: text('privacy.removed.post'), components: [], allowedMentions: NO_MENTIONS });
      });
    }
    if (request.threadId) {
      const threadId = request.threadId;
      await attempt('clear a removed request thread', { ...ids, threadId }, () =>
        inThread(client, threadId, async (thread) => {
          for (const offer of request.offers) {
            if (offer.messageId) await attempt('delete an offer post', { ...ids, threadId, messageId: offer.messageId }, () => thread.messages.delete(offer.messageId!));
          }
          await thread.edit({ name: text('privacy.removed.thread'), locked: true, archived: true });
        }),
      );
    }
  }

  for (const { request, offer } of outcome.removedOffers) {
    if (!offer.messageId) continue;
    const messageId = offer.messageId;
    const ids = { requestId: request.id, channelId: request.threadId ?? request.channelId, messageId };
    await attempt('delete an offer post', ids, () =>
      request.threadId
        ? inThread(client, request.threadId, (thread) => thread.messages.delete(messageId), { rearchive: true })
        : ((client.channels.fetch(request.channelId)) as Promise<TextChannel>).then((channel) => channel.messages.delete(messageId)),
    );
  }
  return failures;
}

/**
 * Runs `work` in a thread, unarchiving it first if needed: Discord refuses changes to messages in an
 * archived thread. With `rearchive`, a thread that was archived is archived again afterwards.
 */
async function inThread(client: Client, threadId: string, work: (thread: ThreadChannel) => Promise<unknown>, options: { rearchive?: boolean } = {}): Promise<void> {
  const thread = (await client.channels.fetch(threadId)) as ThreadChannel | null;
  if (!thread) return;
  const wasArchived = thread.archived === true;
  if (wasArchived) await thread.setArchived(false);
  await work(thread);
  if (wasArchived && options.rearchive) await thread.setArchived(true);
}
