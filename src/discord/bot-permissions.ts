import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';

/**
 * What the bot asks for in its invite link, and why. Nothing more: a peer-support server should not
 * have to trust the bot with moderation powers it does not use.
 */
export const BOT_PERMISSIONS = new PermissionsBitField([
  PermissionFlagsBits.ViewChannel, // see the circle channel
  PermissionFlagsBits.SendMessages, // post meeting rounds, requests and reflections
  PermissionFlagsBits.EmbedLinks, // settings and summaries as embeds
  PermissionFlagsBits.AttachFiles, // the weekly reflection chart, data exports
  PermissionFlagsBits.ReadMessageHistory, // edit its own round messages after a restart
  PermissionFlagsBits.CreatePublicThreads, // one thread per meeting and per help request
  PermissionFlagsBits.SendMessagesInThreads, // post rounds inside the meeting thread
  PermissionFlagsBits.ManageThreads, // archive a meeting's thread when it ends
  PermissionFlagsBits.ManageEvents, // keep the next scheduled meeting in the server's Events tab
  PermissionFlagsBits.MuteMembers, // Stage meetings: invite the current speaker to speak, and back to the audience (never mutes anyone)
]);

export function inviteUrl(applicationId: string): string {
  return `https://discord.com/oauth2/authorize?client_id=${applicationId}&scope=bot+applications.commands&permissions=${BOT_PERMISSIONS.bitfield}`;
}
