import { ButtonStyle, ComponentType, SlashCommandBuilder, TextInputStyle, type TextChannel } from 'discord.js';
import { z } from 'zod';
import { OFFER_MESSAGE_MAX_LENGTH, TOPIC_MAX_LENGTH, type HelpRequest } from '../src/domain/requests/help-request.ts';
import { customId, type CommandContext, type ComponentContext, type ComponentHandler, type HandlerContext } from '../src/discord/command.ts';
import { helpProblemText, makeOffer } from '../src/discord/help-actions.ts';
import { HELP_IDS, messageLink, postRequest, refreshRequest } from '../src/discord/help-posts.ts';
import { NO_MENTIONS, reply, showModal, UserFacingError, type Outcome } from '../src/discord/reply.ts';
import type { AskOutcome } from '../src/services/help-service.ts';
import { text } from '../src/texts/texts.ts';

export const definition = new SlashCommandBuilder()
  .setName('ask')
  .setDescription('Ask the circle for help')
  .addStringOption((o) => o.setName('topic').setDescription('What you would like help with').setRequired(true).setMinLength(1).setMaxLength(TOPIC_MAX_LENGTH))
  .addBooleanOption((o) => o.setName('anonymous').setDescription('Post without your name: nobody in the server, moderators included, sees who asked'))
  .toJSON();

export const access = 'member';

const askOptions = z.object({ topic: z.string(), anonymous: z.boolean() });

export async function execute(context: CommandContext): Promise<Outcome> {
  const { interaction, guildId, userId, services } = context;
  const options = askOptions.parse({
    topic: interaction.options.getString('topic', true),
    anonymous: interaction.options.getBoolean('anonymous') ?? false,
  });
  const asked = await services.help.ask(guildId, userId, options.topic, options.anonymous);
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
  return reply(confirmation(asked.value));
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

async function openRequestOrRefuse(context: ComponentContext): Promise<HelpRequest> {
  const request = await context.services.help.request(context.guildId, context.args[0] ?? '');
  if (!request) throw new UserFacingError(helpProblemText({ kind: 'unknown-request' }));
  return request;
}

const offerButton: ComponentHandler = {
  access: 'member',
  async handle(context) {
    const request = await openRequestOrRefuse(context);
    if (request.askerId === context.userId) throw new UserFacingError(helpProblemText({ kind: 'own-request' }));
    if (request.status === 'closed') throw new UserFacingError(helpProblemText({ kind: 'request-closed' }));
    return showModal({
      custom_id: customId(HELP_IDS.offerModal, request.id),
      title: text('offer.modal.title'),
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            {
              type: ComponentType.TextInput,
              custom_id: 'message',
              style: TextInputStyle.Paragraph,
              label: text('offer.modal.label'),
              placeholder: text('offer.modal.placeholder'),
              required: false,
              max_length: OFFER_MESSAGE_MAX_LENGTH,
            },
          ],
        },
      ],
    });
  },
};

const offerModal: ComponentHandler = {
  access: 'member',
  async handle(context) {
    const message = context.interaction.isModalSubmit() ? context.interaction.fields.getTextInputValue('message') : '';
    return makeOffer(context, context.args[0] ?? '', message || null);
  },
};

const closeButton: ComponentHandler = {
  access: 'member',
  async handle(context) {
    const closed = await context.services.help.close(context.guildId, context.userId, context.args[0] ?? '');
    if (!closed.ok) throw new UserFacingError(helpProblemText(closed.error, 'close'));
    await refreshRequest(context.client, closed.value);
    return reply({ content: text('close.done') });
  },
};

export const components = {
  [HELP_IDS.offerButton]: offerButton,
  [HELP_IDS.offerModal]: offerModal,
  [HELP_IDS.close]: closeButton,
};
