import {
  MessageFlags,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type MessageComponentInteraction,
  type ModalSubmitInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { NO_MENTIONS, type Outcome, type Reply } from './reply.ts';

type RepliableInteraction = ChatInputCommandInteraction | MessageComponentInteraction | ModalSubmitInteraction;

/**
 * Answers one interaction exactly once within Discord's 3 s deadline. If the handler is still working
 * when the deferral timer fires, it acknowledges (deferring) so the token stays valid, and the final
 * outcome then edits that acknowledgement instead of replying.
 */
export class Responder {
  private deferral: Promise<unknown> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private deferredAs: 'reply' | 'update' | undefined;

  constructor(private readonly interaction: RepliableInteraction) {}

  /**
   * Defers `ms` after the interaction was created (Discord's clock starts then, not when it reached
   * us: a bot that is behind must defer sooner) unless an answer was sent first; at 0, defers at once
   * (always-defer, for handlers known to be slow). `update` defers as an edit of the component's message.
   */
  armDeferral(ms: number, mode: 'reply' | 'update'): void {
    const left = ms <= 0 ? 0 : Math.min(ms, this.interaction.createdTimestamp + ms - Date.now());
    if (left <= 0) this.defer(mode);
    else this.timer = setTimeout(() => this.defer(mode), left);
  }

  private defer(mode: 'reply' | 'update'): void {
    if (this.interaction.replied || this.interaction.deferred) return;
    this.deferredAs = mode;
    this.deferral =
      mode === 'update' && this.interaction.isMessageComponent()
        ? this.interaction.deferUpdate()
        : this.interaction.deferReply({ flags: MessageFlags.Ephemeral });
    // A failed deferral surfaces when the answer is sent; never as an unhandled rejection.
    this.deferral.catch(() => undefined);
  }

  get acknowledged(): boolean {
    return this.deferral !== undefined || this.interaction.replied || this.interaction.deferred;
  }

  async send(outcome: Outcome): Promise<void> {
    clearTimeout(this.timer);
    if (this.deferral) await this.deferral;
    const interaction = this.interaction;

    if (outcome.kind === 'modal') {
      if (this.acknowledged || interaction.isModalSubmit()) {
        throw new Error('A modal can only be the first answer to a command or component interaction.');
      }
      await interaction.showModal(outcome.modal);
      return;
    }

    if (outcome.kind === 'update' && interaction.isMessageComponent()) {
      if (this.deferredAs === 'update') await interaction.editReply(editOptions(outcome.reply));
      else if (this.acknowledged) await interaction.followUp(replyOptions(outcome.reply));
      else await interaction.update(editOptions(outcome.reply));
      return;
    }

    if (this.deferredAs === 'reply') await interaction.editReply(editOptions(outcome.reply));
    else if (this.acknowledged) await interaction.followUp(replyOptions(outcome.reply));
    else await interaction.reply(replyOptions(outcome.reply));
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

function editOptions(reply: Reply): InteractionEditReplyOptions {
  return {
    content: reply.content ?? '',
    embeds: [...(reply.embeds ?? [])],
    components: [...(reply.components ?? [])],
    files: [...(reply.files ?? [])],
    allowedMentions: reply.allowedMentions ?? NO_MENTIONS,
  };
}

function replyOptions(reply: Reply): InteractionReplyOptions {
  return {
    ...(reply.content !== undefined ? { content: reply.content } : {}),
    embeds: [...(reply.embeds ?? [])],
    components: [...(reply.components ?? [])],
    files: [...(reply.files ?? [])],
    allowedMentions: reply.allowedMentions ?? NO_MENTIONS,
    ...(reply.ephemeral === false ? {} : { flags: MessageFlags.Ephemeral }),
  };
}
