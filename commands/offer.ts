import { SlashCommandBuilder } from 'discord.js';
import { z } from 'zod';
import { OFFER_MESSAGE_MAX_LENGTH } from '../src/domain/requests/help-request.ts';
import { onComponent, type AutocompleteContext, type CommandContext } from '../src/discord/command.ts';
import { makeOffer } from '../src/discord/help-actions.ts';
import { HELP_IDS, refreshOffer } from '../src/discord/help-posts.ts';
import { offerConfirmed, promptsPaused, promptsResumed, PROMPTS_IDS, requestChoices } from '../src/discord/help-views.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { reply, UserFacingError, type Outcome } from '../src/discord/reply.ts';

export const definition = new SlashCommandBuilder()
  .setName('offer')
  .setDescription('Offer help on an open request')
  .addStringOption((o) => o.setName('request').setDescription('The request you can help with').setRequired(true).setAutocomplete(true).setMaxLength(100))
  .addStringOption((o) => o.setName('message').setDescription('What you would like to say').setMinLength(1).setMaxLength(OFFER_MESSAGE_MAX_LENGTH))
  .toJSON();

export const access = 'member';

const offerOptions = z.object({ request: z.string(), message: z.string().nullable() });

export async function execute(context: CommandContext): Promise<Outcome> {
  const options = offerOptions.parse({
    request: context.interaction.options.getString('request', true),
    message: context.interaction.options.getString('message'),
  });
  return makeOffer(context, options.request, options.message);
}

/** Open requests from others, newest first, matching what the member typed. */
export async function autocomplete({ interaction, services, guildId, userId }: AutocompleteContext) {
  return requestChoices(await services.help.openRequestsFor(guildId, userId), interaction.options.getFocused());
}

const helpedButton = onComponent(HELP_IDS.helped, {
  access: 'member',
  async handle(context) {
    const { requestId, offerId } = context.args;
    const confirmed = await context.services.help.confirm(context.guildId, context.userId, requestId, offerId);
    if (!confirmed.ok) throw new UserFacingError(problemText.helpConfirm(confirmed.error));
    await refreshOffer(context.client, confirmed.value.request, confirmed.value.offer);
    return reply(offerConfirmed());
  },
});

const pausePromptsButton = onComponent(PROMPTS_IDS.pause, {
  access: 'member',
  async handle(context) {
    const until = await context.services.help.pauseHelpingPrompts(context.guildId, context.userId);
    return reply(promptsPaused(until));
  },
});

/** The pause can be undone from the same message (or with /privacy resume). */
const resumePromptsButton = onComponent(PROMPTS_IDS.resume, {
  access: 'member',
  async handle(context) {
    const resumed = await context.services.help.resumeHelpingPrompts(context.guildId, context.userId);
    return reply(promptsResumed(resumed));
  },
});

export const components = [helpedButton, pausePromptsButton, resumePromptsButton];
