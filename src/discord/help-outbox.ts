import type { Client } from 'discord.js';
import type { Logger } from '../logging/logger.ts';
import type { HelpService } from '../services/help-service.ts';
import type { SafetyService } from '../services/safety-service.ts';
import { alertAboutPublicWords } from './crisis-care.ts';
import { postAddition, postOffer, postRequest } from './help-posts.ts';

/**
 * Heals a crash between storing and posting: at start-up, every open request, offer and anonymous
 * asker's addition that is stored but has no post yet is posted and its post recorded (an addition's
 * words are then forgotten). Each post carries a nonce Discord enforces, so
 * one that did reach Discord before the crash comes back as the first post instead of appearing twice.
 * A post that still fails stays pending for the next start and is logged (by ids only). Words that call
 * for care alert the moderators as they would have when first posted (once per post).
 */
export async function postPendingHelp(
  client: Client,
  help: HelpService,
  safety: SafetyService,
  logger: Logger,
): Promise<{ requests: number; offers: number; additions: number }> {
  const care = { client, safety, logger };
  let requests = 0;
  let offers = 0;
  let additions = 0;
  for (const guildId of client.guilds.cache.keys()) {
    const pending = await help.unposted(guildId);
    for (const request of pending.requests) {
      try {
        const post = await postRequest(client, request);
        await help.attachRequestPost(guildId, request.id, post);
        requests += 1;
        const posted = { what: 'request', words: request.topic, memberId: request.askerId, channelId: request.channelId, anonymous: request.anonymous };
        await alertAboutPublicWords(care, guildId, { ...posted, messageId: post.messageId });
      } catch (error) {
        logger.warn({ err: error, guildId, requestId: request.id }, 'could not post a pending help request');
      }
    }
    for (const { request, offer } of pending.offers) {
      // An offer on a request that never got its post waits with it (it would have nowhere to go).
      const current = await help.request(guildId, request.id);
      if (!current?.messageId) continue;
      try {
        const messageId = await postOffer(client, current, offer);
        await help.attachOfferPost(guildId, request.id, offer.id, messageId);
        offers += 1;
        const where = current.threadId ?? current.channelId;
        if (offer.message)
          await alertAboutPublicWords(care, guildId, {
            what: 'offer',
            words: offer.message,
            memberId: offer.giverId,
            channelId: where,
            messageId,
            anonymous: false,
          });
      } catch (error) {
        logger.warn({ err: error, guildId, requestId: request.id, offerId: offer.id }, 'could not post a pending offer');
      }
    }
    for (const { request, addition } of pending.additions) {
      // Likewise, an addition waits for its request's post (and thread).
      const current = await help.request(guildId, request.id);
      if (!current?.messageId) continue;
      try {
        const messageId = await postAddition(client, current, addition);
        await help.attachAdditionPost(guildId, request.id, addition.id, messageId);
        additions += 1;
        const where = current.threadId ?? current.channelId;
        await alertAboutPublicWords(care, guildId, {
          what: 'update',
          words: addition.words,
          memberId: current.askerId,
          channelId: where,
          messageId,
          anonymous: current.anonymous,
        });
      } catch (error) {
        logger.warn({ err: error, guildId, requestId: request.id, additionId: addition.id }, 'could not post a pending addition to a request');
      }
    }
  }
  return { requests, offers, additions };
}
