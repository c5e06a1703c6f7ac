import { SlashCommandBuilder } from 'discord.js';
import { onComponent, type CommandContext, type ComponentContext } from '../src/discord/command.ts';
import { CRISIS_IDS, canAskForCheckIn, deliverAlert, refreshAlertPosts } from '../src/discord/crisis-care.ts';
import { checkInAnswer, crisisResources, takenAlert } from '../src/discord/crisis-views.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { reply, updateMessage, UserFacingError, type Outcome } from '../src/discord/reply.ts';

export const definition = new SlashCommandBuilder()
  .setName('crisis')
  .setDescription("This circle's crisis resources, privately, with a way to ask a moderator to check in")
  .toJSON();

export const access = 'member';

/** The resources, privately, for anyone at any time: the same from `/crisis` and the meeting's button. */
async function showResources({ services, guildId }: CommandContext | ComponentContext): Promise<Outcome> {
  return reply(crisisResources(await services.safety.settings(guildId)));
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
    if (!canAskForCheckIn(settings)) return reply(checkInAnswer('no-moderators', settings));
    const { alert, repeated } = await services.safety.raiseCheckInRequest(guildId, userId, 'crisis');
    if (repeated) return reply(checkInAnswer('repeated', settings));
    // New, or raised and not delivered yet (a press at the same moment, or a delivery that failed):
    // deliver it; its post's nonce keeps it to one message however often this runs.
    const delivered = await deliverAlert(client, services.safety, guildId, alert, settings, logger);
    return reply(checkInAnswer(delivered ? 'sent' : 'failed', settings));
  },
});

/** "I'm on it": the first moderator keeps the alert; the alert shows who, so nobody else piles in. */
const take = onComponent(CRISIS_IDS.take, {
  access: 'moderator',
  updatesMessage: true,
  async handle({ client, services, guildId, userId, args, interaction, logger }) {
    const taken = await services.safety.take(guildId, args.alertId, userId);
    if (!taken.ok) throw new UserFacingError(problemText.alertTake(taken.error));
    const { alert, settings } = taken.value;
    const pressedOn = interaction.isMessageComponent() ? interaction.message.id : undefined;
    await refreshAlertPosts(client, alert, settings, pressedOn).catch((error: unknown) =>
      logger.warn({ err: error }, 'could not update the other post of a taken alert'),
    );
    return updateMessage(takenAlert(alert, settings, pressedOn));
  },
});

export const components = [show, askCheckIn, take];
