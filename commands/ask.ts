import { SlashCommandBuilder } from 'discord.js';
import { z } from 'zod';
import { TOPIC_MAX_LENGTH, type HelpRequest } from '../src/domain/requests/help-request.ts';
import { onComponent, type CommandContext, type ComponentContext } from '../src/discord/command.ts';
import { makeOffer, showAddition, showRequest } from '../src/discord/help-actions.ts';
import { HELP_IDS, refreshRequest } from '../src/discord/help-posts.ts';
import { additionForm, HELP_FORM_IDS, OFFER_FIELD, requestClosed, requestOfferForm } from '../src/discord/help-views.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { reply, showModal, UserFacingError, type Outcome } from '../src/discord/reply.ts';
import { TEXT_FIELD } from '../src/discord/text-modal.ts';

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
  // One use case: in the circle channel, or (while a meeting runs) in its thread and linked to it.
  const asked = await services.actions.ask(guildId, context.userId, options.topic, options.anonymous);
  if (!asked.ok) throw new UserFacingError(problemText.help(asked.error));
  return showRequest(context, asked.value, asked.value.meetingId);
}

async function openRequestOrRefuse(context: ComponentContext<{ requestId: string }>): Promise<HelpRequest> {
  const request = await context.services.help.request(context.guildId, context.args.requestId);
  if (!request) throw new UserFacingError(problemText.help({ kind: 'unknown-request' }));
  return request;
}

const offerButton = onComponent(HELP_IDS.offerButton, {
  access: 'member',
  async handle(context) {
    const request = await openRequestOrRefuse(context);
    if (request.askerId === context.userId) throw new UserFacingError(problemText.help({ kind: 'own-request' }));
    if (request.status === 'closed') throw new UserFacingError(problemText.help({ kind: 'request-closed' }));
    return showModal(requestOfferForm(request));
  },
});

const offerModal = onComponent(HELP_FORM_IDS.offerModal, {
  access: 'member',
  async handle(context) {
    const message = context.interaction.isModalSubmit() ? context.interaction.fields.getTextInputValue(OFFER_FIELD) : '';
    return makeOffer(context, context.args.requestId, message || null);
  },
});

const closeButton = onComponent(HELP_IDS.close, {
  access: 'member',
  async handle(context) {
    const closed = await context.services.help.close(context.guildId, context.userId, context.args.requestId);
    if (!closed.ok) throw new UserFacingError(problemText.help(closed.error));
    await refreshRequest(context.client, closed.value);
    return reply(requestClosed());
  },
});

/** "Add to this request": only the anonymous asker; the bot posts their words so no name shows. */
const addButton = onComponent(HELP_IDS.add, {
  access: 'member',
  async handle(context) {
    const request = await openRequestOrRefuse(context);
    if (request.askerId !== context.userId) throw new UserFacingError(problemText.helpAdd({ kind: 'not-the-asker' }));
    if (request.status === 'closed') throw new UserFacingError(problemText.helpAdd({ kind: 'request-closed' }));
    return showModal(additionForm(request));
  },
});

const addModal = onComponent(HELP_FORM_IDS.addModal, {
  access: 'member',
  async handle(context) {
    const words = context.interaction.isModalSubmit() ? context.interaction.fields.getTextInputValue(TEXT_FIELD) : '';
    context.care.screen(words, 'public');
    const added = await context.services.help.addToRequest(context.guildId, context.userId, context.args.requestId, words);
    if (!added.ok) throw new UserFacingError(problemText.helpAdd(added.error));
    return showAddition(context, added.value, words);
  },
});

export const components = [addButton, addModal, offerButton, offerModal, closeButton];
