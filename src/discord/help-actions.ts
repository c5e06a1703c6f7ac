import { ButtonStyle, ComponentType } from 'discord.js';
import type { HelpProblem } from '../services/help-service.ts';
import { text } from '../texts/texts.ts';
import { customId, type HandlerContext } from './command.ts';
import { HELP_IDS, postOffer } from './help-posts.ts';
import { reply, UserFacingError, type Outcome } from './reply.ts';

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
