import { PermissionFlagsBits, type Client, type GuildChannel } from 'discord.js';
import type { CircleSettings } from '../domain/circle/circle-settings.ts';
import { text } from '../texts/texts.ts';

/**
 * What a moderator should know about the circle's safety set-up, checked by the bot itself: crisis
 * resources set (or the neutral default), a moderators' channel to alert, whether @everyone can read
 * that channel (alerts name members), and whether alerts page anyone.
 */
export async function safetyChecklist(client: Client, guildId: string, settings: CircleSettings): Promise<string> {
  const lines = [settings.crisisResources ? text('checklist.resources.set') : text('checklist.resources.default')];
  lines.push(await modChannelLine(client, guildId, settings.modChannelId));
  lines.push(settings.crisisPingRoleId ? text('checklist.pingRole.set', { role: settings.crisisPingRoleId }) : text('checklist.pingRole.missing'));
  return lines.join('\n');
}

async function modChannelLine(client: Client, guildId: string, channelId: string | null): Promise<string> {
  if (!channelId) return text('checklist.modChannel.missing');
  try {
    const guild = client.guilds.cache.get(guildId) ?? (await client.guilds.fetch(guildId));
    const channel = (await client.channels.fetch(channelId)) as GuildChannel | null;
    const everyone = guild.roles.everyone;
    if (!channel || !('permissionsFor' in channel)) return text('checklist.modChannel.unknown', { channel: channelId });
    const readable = channel.permissionsFor(everyone).has(PermissionFlagsBits.ViewChannel);
    return text(readable ? 'checklist.modChannel.public' : 'checklist.modChannel.private', { channel: channelId });
  } catch {
    return text('checklist.modChannel.unknown', { channel: channelId });
  }
}
