import { randomBytes } from 'node:crypto';
import type { AutocompleteInteraction, ChatInputCommandInteraction, Interaction, MessageComponentInteraction, ModalSubmitInteraction } from 'discord.js';
import type { Logger } from '../logging/logger.ts';
import type { Services } from '../services/services.ts';
import { isStoreUnavailable } from '../store/store-unavailable.ts';
import { text } from '../texts/texts.ts';
import { accessDenied, invokerOf, type Access } from './access.ts';
import type { CommandModule, ComponentHandler, HandlerContext } from './command.ts';
import { reply, UserFacingError, type Outcome } from './reply.ts';
import { Responder } from './responder.ts';
import { CrisisCare } from './crisis-care.ts';
import { splitCustomId } from './custom-id.ts';
import { problemText } from './problem-texts.ts';

export interface RouterOptions {
  readonly commands: readonly CommandModule[];
  readonly services: Services;
  readonly logger: Logger;
  /** Defer if a handler has not answered by then; Discord drops unanswered interactions at 3 s. */
  readonly deferAfterMs?: number;
}

/**
 * The one place interactions enter: slash commands, autocomplete, buttons, selects and modal submits.
 * It finds the handler, re-checks permissions, keeps the 3 s deadline, and turns every failure into
 * an ephemeral answer: plain words for expected ones, an error id (also logged) for the rest.
 */
export class InteractionRouter {
  private readonly commands = new Map<string, CommandModule>();
  private readonly components = new Map<string, ComponentHandler>();
  private readonly deferAfterMs: number;

  constructor(private readonly options: RouterOptions) {
    this.deferAfterMs = options.deferAfterMs ?? 2_000;
    for (const command of options.commands) {
      this.commands.set(command.definition.name, command);
      for (const handler of command.components ?? []) {
        const { prefix } = handler.codec;
        if (this.components.has(prefix)) throw new Error(`Two handlers claim the custom id prefix "${prefix}"`);
        this.components.set(prefix, handler);
      }
    }
  }

  /** Never rejects: whatever happens is answered or logged. */
  async handle(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isAutocomplete()) await this.autocomplete(interaction);
      else if (interaction.isChatInputCommand()) await this.command(interaction);
      else if (interaction.isMessageComponent() || interaction.isModalSubmit()) await this.component(interaction);
    } catch (error) {
      this.options.logger.error({ err: error, interactionId: interaction.id }, 'interaction handling failed');
    }
  }

  private async command(interaction: ChatInputCommandInteraction): Promise<void> {
    const command = this.commands.get(interaction.commandName);
    const subcommand = interaction.options.getSubcommand(false);
    const access = !command ? 'member' : typeof command.access === 'function' ? command.access(subcommand) : command.access;
    const label = `/${interaction.commandName}${subcommand ? ` ${subcommand}` : ''}`;
    await this.respond(interaction, label, access, 'reply', async (context) => {
      if (!command) throw new UserFacingError(text('error.unknownCommand'));
      return command.execute({ ...context, interaction });
    });
  }

  /**
   * A component whose prefix no handler claims (a retired feature) or whose id does not decode (stale
   * or tampered) is answered as an expired button: plain words, only to the member, nothing changed.
   */
  private async component(interaction: MessageComponentInteraction | ModalSubmitInteraction): Promise<void> {
    const { prefix, parts } = splitCustomId(interaction.customId);
    const handler = this.components.get(prefix);
    const decoded = handler?.codec.decode(parts);
    const label = `component ${prefix.slice(0, 100)}`;
    const deferMode = handler?.updatesMessage && decoded?.ok ? 'update' : 'reply';
    await this.respond(interaction, label, handler?.access ?? 'member', deferMode, (context) => {
      if (!handler || !decoded?.ok) {
        // The prefix only (in the logger's `handler`): the rest of the id may be anything a client sent.
        context.logger.debug(handler ? 'custom id did not decode: answered as expired' : 'no handler for this custom id prefix: answered as expired');
        throw new UserFacingError(problemText.customId(decoded && !decoded.ok ? decoded.error : { kind: 'stale-custom-id', prefix }));
      }
      return handler.handle({ ...context, interaction, args: decoded.value });
    });
  }

  private async respond(
    interaction: ChatInputCommandInteraction | MessageComponentInteraction | ModalSubmitInteraction,
    label: string,
    access: Access,
    deferMode: 'reply' | 'update',
    run: (context: HandlerContext) => Promise<Outcome>,
  ): Promise<void> {
    const responder = new Responder(interaction);
    responder.armDeferral(this.deferAfterMs, deferMode);
    const log = this.options.logger.child({ interactionId: interaction.id, guildId: interaction.guildId, handler: label });
    // Crisis care comes first in every answer whose member's words called for it, whatever else happens.
    const care = new CrisisCare({
      client: interaction.client,
      safety: this.options.services.safety,
      guildId: interaction.guildId,
      memberId: interaction.user.id,
      logger: log,
    });
    try {
      let outcome: Outcome;
      try {
        outcome = await this.authorizeAndRun(interaction, access, log, care, run);
      } catch (error) {
        if (!(error instanceof UserFacingError)) throw error;
        // Not the answer's words: they may quote what the member typed.
        log.debug('expected failure answered');
        outcome = reply({ content: error.userMessage });
      }
      const answer = await care.decorate(outcome);
      // A form can only be the first answer: when we were too slow and had to defer, Discord will not
      // show it any more, so the member is asked to press again instead of being told something broke.
      await responder.send(answer.kind === 'modal' && responder.acknowledged ? reply({ content: text('error.formLate') }) : answer);
    } catch (error) {
      const errorId = newErrorId();
      // The database out of reach for a moment is no bug: the member is asked to try again, without a code.
      const unavailable = isStoreUnavailable(error);
      if (unavailable) log.warn({ err: error, errorId }, 'the store could not be reached');
      else log.error({ err: error, errorId }, 'unexpected failure');
      try {
        const content = unavailable ? text('error.storeUnavailable') : text('error.unexpected', { errorId });
        await responder.send(await care.decorate(reply({ content })));
      } catch (sendError) {
        log.warn({ err: sendError, errorId }, 'could not tell the member about the failure');
      }
    } finally {
      responder.dispose();
    }
  }

  private async authorizeAndRun(
    interaction: ChatInputCommandInteraction | MessageComponentInteraction | ModalSubmitInteraction,
    access: Access,
    logger: Logger,
    care: CrisisCare,
    run: (context: HandlerContext) => Promise<Outcome>,
  ): Promise<Outcome> {
    const guildId = interaction.guildId;
    if (!guildId) throw new UserFacingError(text('error.guildOnly'));
    if (access !== 'member') {
      const settings = await this.options.services.circle.settings(guildId);
      const denied = accessDenied(access, invokerOf(interaction), settings);
      if (denied) throw new UserFacingError(denied);
    }
    return run({ client: interaction.client, guildId, userId: interaction.user.id, services: this.options.services, logger, care });
  }

  private async autocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const command = this.commands.get(interaction.commandName);
    try {
      const choices =
        command?.autocomplete && interaction.guildId
          ? await command.autocomplete({
              interaction,
              client: interaction.client,
              guildId: interaction.guildId,
              userId: interaction.user.id,
              services: this.options.services,
              logger: this.options.logger,
              care: new CrisisCare({
                client: interaction.client,
                safety: this.options.services.safety,
                guildId: interaction.guildId,
                memberId: interaction.user.id,
                logger: this.options.logger,
              }),
            })
          : [];
      await interaction.respond(choices.slice(0, 25).map((choice) => ({ ...choice, name: choice.name.slice(0, 100) })));
    } catch (error) {
      // Suggestions are a convenience: a failure shows an empty list, and the command still validates.
      this.options.logger.warn({ err: error, command: interaction.commandName }, 'autocomplete failed');
      if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
    }
  }
}

/** Short enough to read out to a moderator, random enough to find the one log line. */
function newErrorId(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}
