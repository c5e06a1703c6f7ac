import { SlashCommandBuilder } from 'discord.js';
import { onComponent, type CommandContext, type ComponentContext } from '../src/discord/command.ts';
import { alertMessage, canAskForCheckIn, careComponents, CRISIS_IDS, deliverAlert, refreshAlertPosts, resourcesText } from '../src/discord/crisis-care.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { reply, updateMessage, UserFacingError, type Outcome } from '../src/discord/reply.ts';
import { text } from '../src/texts/texts.ts';

export const definition = new SlashCommandBuilder()
  .setName('crisis')
  .setDescription("This circle's crisis resources, privately, with a way to ask a moderator to check in")
  .toJSON();

export const access = 'member';

/** The resources, privately, for anyone at any time: the same from `/crisis` and the meeting's button. */
async function showResources({ services, guildId }: CommandContext | ComponentContext): Promise<Outcome> {
  const settings = await services.safety.settings(guildId);
  const offerCheckIn = canAskForCheckIn(settings);
  const lines = [text('crisis.command.intro'), resourcesText(settings), offerCheckIn ? text('care.privateWords') : text('care.reachAPerson')];
  return reply({ content: lines.join('\n\n'), components: careComponents(settings, offerCheckIn) });
}

export function execute(context: CommandContext): Promise<Outcome> {
  return showResources(context);
}

const show = onComponent(CRISIS_IDS.show, { access: 'member', handle: showResources });

/**
 * "Ask a moderator to check in with me": the moderators learn who asked, never what they wrote. The
 * member is told a moderator knows only once the alert was delivered.
 */
const askCheckIn = onComponent(CRISIS_IDS.askCheckIn, {
  access: 'member',
  async handle({ client, services, guildId, userId, logger }) {
    const settings = await services.safety.settings(guildId);
    if (!settings?.modChannelId) return reply({ content: `${text('care.checkIn.noModerators')}\n\n${resourcesText(settings)}`, components: careComponents(settings, false) });
    const { alert, repeated } = await services.safety.raiseCheckInRequest(guildId, userId, 'crisis');
    if (repeated) return reply({ content: text('care.checkIn.repeat') });
    const delivered = await deliverAlert(client, services.safety, guildId, alert, settings, logger);
    if (!delivered) return reply({ content: `${text('care.checkIn.failed')}\n\n${resourcesText(settings)}`, components: careComponents(settings, false) });
    return reply({ content: text('care.checkIn.sent') });
  },
});

/** "I'm on it": the first moderator keeps the alert; the alert shows who, so nobody else piles in. */
const take = onComponent(CRISIS_IDS.take, {
  access: 'moderator',
  updatesMessage: true,
  async handle({ client, services, guildId, userId, args, interaction, logger }) {
    const taken = await services.safety.take(guildId, args.alertId, userId);
    if (!taken.ok) throw new UserFacingError(problemText.alertTake(taken.error));
    const settings = await services.safety.settings(guildId);
    const pressedOn = interaction.isMessageComponent() ? interaction.message.id : undefined;
    await refreshAlertPosts(client, taken.value, settings, pressedOn).catch((error: unknown) => logger.warn({ err: error }, 'could not update the other post of a taken alert'));
    const rendered =
      pressedOn === taken.value.messageId ? alertMessage(taken.value, settings) : { content: text('alert.taken', { moderator: userId, at: Math.floor(Date.now() / 1000) }), components: [] };
    return updateMessage({ content: rendered.content, components: rendered.components });
  },
});

export const components = [show, askCheckIn, take];
