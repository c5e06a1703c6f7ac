import { ChannelType, type ChatInputCommandInteraction } from 'discord.js';
import { text } from '../texts/texts.ts';
import { UserFacingError } from './reply.ts';

/** The channels a meeting can talk in. */
export const VOICE_CHANNEL_TYPES = [ChannelType.GuildVoice, ChannelType.GuildStageVoice] as const;

/**
 * The voice channel option `name`, when given. Discord only offers voice and Stage channels for it,
 * but an id typed by hand (or an older client) can name any channel: that gets a plain refusal.
 */
export function voiceChannelOption(interaction: ChatInputCommandInteraction, name: string): string | undefined {
  const channel = interaction.options.getChannel(name);
  if (!channel) return undefined;
  if (!(VOICE_CHANNEL_TYPES as readonly ChannelType[]).includes(channel.type)) {
    throw new UserFacingError(text('voice.notVoiceChannel', { channel: `<#${channel.id}>` }));
  }
  return channel.id;
}
