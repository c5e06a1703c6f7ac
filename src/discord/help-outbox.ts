import type { Client } from 'discord.js';
import type { Logger } from '../logging/logger.ts';
import type { HelpService } from '../services/help-service.ts';
import { postAddition, postOffer, postRequest } from './help-posts.ts';

/**
 * Heals a crash between storing and posting: at start-up, every open request, offer and anonymous
 * asker's addition that is stored but has no post yet is posted and its post recorded (an addition's
 * words are then forgotten). Each post carries a nonce Discord enforces, so
 * one that did reach Discord before the crash comes back as the first post instead of appearing twice.
 * A post that still fails stays pending for the next start and is logged (by ids only).
 */
export async function postPendingHelp(client: Client, help: HelpService, logger: Logger): Promise<{ requests: number; offers: number; additions: number }> {
  let requests = 0;
  let offers = 0;
  let additions = 0;
  for (const guildId of client.guilds.cache.keys()) {
    const pending = await help.unposted(guildId);
    for (const request of pending.requests) {
      try {
        await help.attachRequestPost(guildId, request.id, await postRequest(client, request));
        requests += 1;
      } catch (error) {
        logger.warn({ err: error, guildId, requestId: request.id }, 'could not post a pending help request');
      }
    }
    for (const { request, offer } of pending.offers) {
      // An offer on a request that never got its post waits with it (it would have nowhere to go).
      const current = await help.request(guildId, request.id);
      if (!current?.messageId) continue;
      try {
        await help.attachOfferPost(guildId, request.id, offer.id, await postOffer(client, current, offer));
        offers += 1;
      } catch (error) {
        logger.warn({ err: error, guildId, requestId: request.id, offerId: offer.id }, 'could not post a pending offer');
      }
    }
    for (const { request, addition } of pending.additions) {
      // Likewise, an addition waits for its request's post (and thread).
      const current = await help.request(guildId, request.id);
      if (!current?.messageId) continue;
      try {
        await help.attachAdditionPost(guildId, request.id, addition.id, await postAddition(client, current, addition));
        additions += 1;
      } catch (error) {
        logger.warn({ err: error, guildId, requestId: request.id, additionId: addition.id }, 'could not post a pending addition to a request');
      }
    }
  }
  return { requests, offers, additions };
}
