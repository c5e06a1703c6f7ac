import { ButtonStyle, ComponentType, SlashCommandBuilder } from 'discord.js';
import { z } from 'zod';
import { OFFER_MESSAGE_MAX_LENGTH } from '../src/domain/requests/help-request.ts';
import { onComponent, type AutocompleteContext, type CommandContext } from '../src/discord/command.ts';
import { customIdCodec } from '../src/discord/custom-id.ts';
import { makeOffer, PAUSE_PROMPTS_ID } from '../src/discord/help-actions.ts';
import { HELP_IDS, refreshOffer } from '../src/discord/help-posts.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { reply, UserFacingError, type Outcome } from '../src/discord/reply.ts';
import { text } from '../src/texts/texts.ts';

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
  const typed = interaction.options.getFocused().trim().toLowerCase();
  const open = await services.help.openRequestsFor(guildId, userId);
  return open
    .filter((entry) => typed === '' || entry.topic.toLowerCase().includes(typed))
    .slice(0, 25)
    .map((entry) => ({ name: entry.topic.length > 100 ? `${entry.topic.slice(0, 99)}…` : entry.topic, value: entry.id }));
}

/** "Turn invitations back on", under the answer to "take a break". */
const RESUME_PROMPTS_ID = customIdCodec('help-resume-prompts');

const helpedButton = onComponent(HELP_IDS.helped, {
  access: 'member',
  async handle(context) {
    const { requestId, offerId } = context.args;
    const confirmed = await context.services.help.confirm(context.guildId, context.userId, requestId, offerId);
    if (!confirmed.ok) throw new UserFacingError(problemText.helpConfirm(confirmed.error));
    await refreshOffer(context.client, confirmed.value.request, confirmed.value.offer);
    return reply({ content: text('confirm.done') });
  },
});

const pausePromptsButton = onComponent(PAUSE_PROMPTS_ID, {
  access: 'member',
  async handle(context) {
    const until = await context.services.help.pauseHelpingPrompts(context.guildId, context.userId);
    return reply({
      content: text('offer.promptsPaused', { until: `<t:${Math.floor(until.getTime() / 1000)}:D>` }),
      components: [
        {
          type: ComponentType.ActionRow,
          components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: text('offer.button.resumePrompts'), custom_id: RESUME_PROMPTS_ID.encode([]) }],
        },
      ],
    });
  },
});

/** The pause can be undone from the same message (or with /privacy resume). */
const resumePromptsButton = onComponent(RESUME_PROMPTS_ID, {
  access: 'member',
  async handle(context) {
    const resumed = await context.services.help.resumeHelpingPrompts(context.guildId, context.userId);
    return reply({ content: text(resumed ? 'offer.promptsResumed' : 'offer.promptsNotPaused') });
  },
});

export const components = [helpedButton, pausePromptsButton, resumePromptsButton];
