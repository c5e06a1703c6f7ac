import type { HelpRequest } from '../domain/requests/help-request.ts';
import type { AskOutcome, OfferOutcome } from '../services/help-service.ts';
import { text } from '../texts/texts.ts';
import type { HandlerContext } from './command.ts';
import { postAddition, postOffer, postRequest } from './help-posts.ts';
import { additionPosted, offerMade, requestPosted } from './help-views.ts';
import { problemText } from './problem-texts.ts';
import { reply, UserFacingError, type Outcome } from './reply.ts';

/**
 * Shows an offer already stored (by `/offer`, the "I can help" form or a meeting's offer) where the
 * asker will see it, alerts the moderators if its words call for it, and answers the giver.
 */
export async function showOffer(context: HandlerContext, { request, offer, inviteToRest }: OfferOutcome): Promise<Outcome> {
  const messageId = await postOffer(context.client, request, offer);
  await context.services.help.attachOfferPost(context.guildId, request.id, offer.id, messageId);
  if (offer.message) {
    await context.care.alertAboutPost({ what: 'offer', words: offer.message, channelId: request.threadId ?? request.channelId, messageId, anonymous: false });
  }
  return reply(offerMade(inviteToRest && !context.care.needed));
}

/** `/offer` and the "I can help" form: screens the words first, stores the offer, then shows it. */
export async function makeOffer(context: HandlerContext, requestId: string, message: string | null): Promise<Outcome> {
  context.care.screen(message, 'public');
  const result = await context.services.help.offer(context.guildId, context.userId, requestId, message);
  if (!result.ok) throw new UserFacingError(problemText.help(result.error));
  return showOffer(context, result.value);
}

/**
 * Posts a request already stored (by `/ask` or a meeting's "I need help") and answers the asker. If
 * Discord will not take the post, the request is withdrawn (and unlinked from its meeting), so nothing
 * is half-written.
 */
export async function showRequest(context: HandlerContext, asked: AskOutcome, meetingId: string | null): Promise<Outcome> {
  const { services, guildId } = context;
  const { request } = asked;
  let post: { messageId: string; threadId: string | null };
  try {
    post = await postRequest(context.client, request);
  } catch (error) {
    context.logger.warn({ err: error, requestId: request.id }, 'could not post a help request');
    await services.actions.withdrawNeed(guildId, meetingId, request.id);
    throw new UserFacingError(text('help.postFailed', { channel: request.channelId }));
  }
  await services.help.attachRequestPost(guildId, request.id, post);
  await context.care.alertAboutPost({
    what: 'request',
    words: request.topic,
    channelId: request.channelId,
    messageId: post.messageId,
    anonymous: request.anonymous,
  });
  return reply(requestPosted(asked, context.care.needed));
}

/**
 * Posts what an anonymous asker added (already stored) in their request's thread, without their name,
 * alerts the moderators if its words call for it, and answers the asker. If Discord will not take the
 * post, the addition is forgotten now rather than posted later (the member is told it failed).
 */
export async function showAddition(
  context: HandlerContext,
  { request, additionId }: { request: HelpRequest; additionId: string },
  words: string,
): Promise<Outcome> {
  const { services, guildId } = context;
  let messageId: string;
  try {
    messageId = await postAddition(context.client, request, { id: additionId, words: words.trim() });
  } catch (error) {
    await services.help.attachAdditionPost(guildId, request.id, additionId, null);
    throw error;
  }
  await services.help.attachAdditionPost(guildId, request.id, additionId, messageId);
  await context.care.alertAboutPost({ what: 'update', words, channelId: request.threadId ?? request.channelId, messageId, anonymous: request.anonymous });
  return reply(additionPosted());
}
