import { ButtonStyle, ComponentType, type TextChannel } from 'discord.js';
import type { AskOutcome, HelpProblem } from '../services/help-service.ts';
import { text } from '../texts/texts.ts';
import { customId, type HandlerContext } from './command.ts';
import { HELP_IDS, messageLink, postOffer, postRequest } from './help-posts.ts';
import { NO_MENTIONS, reply, UserFacingError, type Outcome } from './reply.ts';

/** Plain words for every way seeking or giving help can be refused. */
export function helpProblemText(problem: HelpProblem, action: 'confirm' | 'close' | 'other' = 'other'): string {
  switch (problem.kind) {
    case 'not-set-up':
      return text('help.notSetUp');
    case 'topic-empty':
      return text('help.topicEmpty');
    case 'topic-too-long':
      return text('help.topicTooLong', { length: problem.length, max: problem.max });
    case 'message-too-long':
      return text('help.messageTooLong', { length: problem.length, max: problem.max });
    case 'own-request':
      return text('help.ownRequest');
    case 'request-closed':
      return text('help.requestClosed');
    case 'unknown-request':
      return text('help.unknownRequest');
    case 'not-the-asker':
      return text(action === 'confirm' ? 'help.notTheAsker.confirm' : 'help.notTheAsker.close');
    case 'unknown-offer':
      return text('help.unknownOffer');
    case 'already-confirmed':
      return text('help.alreadyConfirmed');
  }
}

/**
 * Records an offer and shows it where the asker will see it. Shared by `/offer` and the "I can help"
 * modal, so both ways of helping behave the same.
 */
export async function makeOffer(context: HandlerContext, requestId: string, message: string | null): Promise<Outcome> {
  const result = await context.services.help.offer(context.guildId, context.userId, requestId, message);
  if (!result.ok) throw new UserFacingError(helpProblemText(result.error));
  const { request, offer, inviteToRest } = result.value;
  const messageId = await postOffer(context.client, request, offer);
  await context.services.help.attachOfferPost(context.guildId, request.id, offer.id, messageId);
  if (!inviteToRest) return reply({ content: text('offer.done') });
  return reply({
    content: `${text('offer.done')}\n\n${text('offer.restInvite')}`,
    components: [
      {
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: text('offer.button.pausePrompts'), custom_id: customId(HELP_IDS.pausePrompts) }],
      },
    ],
  });
}

/**
 * Opens a request and posts it, shared by `/ask` and a meeting's "I need help". If Discord will not
 * take the post, the request is withdrawn, so nothing is half-written.
 */
export async function askForHelp(
  context: HandlerContext,
  topic: string,
  anonymous: boolean,
  channelId?: string,
): Promise<{ requestId: string; reply: Outcome }> {
  const { services, guildId, userId } = context;
  const asked = await services.help.ask(guildId, userId, topic, anonymous, channelId);
  if (!asked.ok) throw new UserFacingError(helpProblemText(asked.error));
  const { request } = asked.value;
  let post: { messageId: string; threadId: string | null };
  try {
    post = await postRequest(context.client, request);
  } catch (error) {
    context.logger.warn({ err: error, requestId: request.id }, 'could not post a help request');
    await services.help.withdrawUnpostedRequest(guildId, request.id);
    throw new UserFacingError(text('help.postFailed', { channel: request.channelId }));
  }
  await services.help.attachRequestPost(guildId, request.id, post);
  if (asked.value.crisisTerms.length > 0) await alertModerators(context, asked.value, post.messageId);
  return { requestId: request.id, reply: reply(confirmation(asked.value)) };
}

/** The asker's private answer: confirmation, crisis resources if needed, and an invitation to help. */
function confirmation({ request, settings, crisisTerms, invitations }: AskOutcome) {
  const parts = [text(request.anonymous ? 'ask.confirmed.anonymous' : 'ask.confirmed', { channel: request.channelId })];
  if (crisisTerms.length > 0) parts.unshift(text('ask.crisis', { resources: settings.crisisResources ?? text('crisis.default') }));
  if (invitations.length > 0) parts.push(text('ask.invitation'));
  return {
    content: parts.join('\n\n'),
    components:
      invitations.length === 0
        ? []
        : [
            {
              type: ComponentType.ActionRow as const,
              components: invitations.map((entry) => ({
                type: ComponentType.Button as const,
                style: ButtonStyle.Secondary as const,
                label: truncate(entry.topic, 80),
                custom_id: customId(HELP_IDS.offerButton, entry.id),
              })),
            },
          ],
  };
}

/** Tells the moderators' channel, with a link and never the name of an anonymous asker. */
async function alertModerators(context: HandlerContext, outcome: AskOutcome, messageId: string): Promise<void> {
  const { request, settings, crisisTerms } = outcome;
  if (!settings.modChannelId) return;
  try {
    const channel = (await context.client.channels.fetch(settings.modChannelId)) as TextChannel;
    await channel.send({
      content: text('modAlert.crisis', {
        link: messageLink(context.guildId, request.channelId, messageId),
        terms: crisisTerms.join(', '),
        who: request.anonymous ? text('modAlert.anonymous') : text('modAlert.named', { asker: request.askerId }),
      }),
      allowedMentions: NO_MENTIONS,
    });
  } catch (error) {
    context.logger.error({ err: error, requestId: request.id }, 'could not alert moderators about a request');
  }
}

function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

