import { ComponentType, SlashCommandBuilder, TextInputStyle } from 'discord.js';
import { z } from 'zod';
import { ADDITION_MAX_LENGTH, OFFER_MESSAGE_MAX_LENGTH, TOPIC_MAX_LENGTH, type HelpRequest } from '../src/domain/requests/help-request.ts';
import { customId, type CommandContext, type ComponentContext, type ComponentHandler } from '../src/discord/command.ts';
import { askForHelp, helpProblemText, makeOffer } from '../src/discord/help-actions.ts';
import { HELP_IDS, postAddition, refreshRequest } from '../src/discord/help-posts.ts';
import { reply, showModal, UserFacingError, type Outcome } from '../src/discord/reply.ts';
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
  const { interaction, guildId, services } = context;
  const options = askOptions.parse({
    topic: interaction.options.getString('topic', true),
    anonymous: interaction.options.getBoolean('anonymous') ?? false,
  });
  // Before anything can fail: crisis care must reach the member whatever happens next.
  context.care.screen(options.topic, 'public');
  // While a meeting is running, needs are brought to it: the request goes in the meeting's thread.
  const meeting = await services.meetings.current(guildId);
  const inMeeting = meeting && meeting.state.status !== 'ended' && meeting.threadId ? meeting : undefined;
  const asked = await askForHelp(context, options.topic, options.anonymous, inMeeting?.threadId ?? undefined);
  if (inMeeting) await services.meetings.addRequest(guildId, inMeeting.state.id, asked.requestId);
  return asked.reply;
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

/** "Add to this request": only the anonymous asker; the bot posts their words so no name shows. */
const addButton: ComponentHandler = {
  access: 'member',
  async handle(context) {
    const request = await openRequestOrRefuse(context);
    if (request.askerId !== context.userId) throw new UserFacingError(text('add.notTheAsker'));
    if (request.status === 'closed') throw new UserFacingError(helpProblemText({ kind: 'request-closed' }));
    return showModal({
      custom_id: customId(HELP_IDS.addModal, request.id),
      title: text('add.modal.title'),
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            {
              type: ComponentType.TextInput,
              custom_id: 'text',
              style: TextInputStyle.Paragraph,
              label: text('add.modal.label'),
              placeholder: text('add.modal.placeholder'),
              required: true,
              max_length: ADDITION_MAX_LENGTH,
            },
          ],
        },
      ],
    });
  },
};

const addModal: ComponentHandler = {
  access: 'member',
  async handle(context) {
    const words = context.interaction.isModalSubmit() ? context.interaction.fields.getTextInputValue('text') : '';
    context.care.screen(words, 'public');
    const added = await context.services.help.addToRequest(context.guildId, context.userId, context.args[0] ?? '', words);
    if (!added.ok) throw new UserFacingError(added.error.kind === 'not-the-asker' ? text('add.notTheAsker') : helpProblemText(added.error));
    const { request, additionId } = added.value;
    let messageId: string;
    try {
      messageId = await postAddition(context.client, request, words.trim());
    } catch (error) {
      await context.services.help.attachAdditionPost(context.guildId, request.id, additionId, null);
      throw error;
    }
    await context.services.help.attachAdditionPost(context.guildId, request.id, additionId, messageId);
    await context.care.alertAboutPost({ what: 'update', words, channelId: request.threadId ?? request.channelId, messageId, anonymous: request.anonymous });
    return reply({ content: text('add.done') });
  },
};

export const components = {
  [HELP_IDS.add]: addButton,
  [HELP_IDS.addModal]: addModal,
  [HELP_IDS.offerButton]: offerButton,
  [HELP_IDS.offerModal]: offerModal,
  [HELP_IDS.close]: closeButton,
};
