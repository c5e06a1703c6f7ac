import type { SandboxMessage } from '../../src/sandbox/types.ts';
import { pressAndSubmit } from '../../src/sandbox/components.ts';
import type { World } from './world.ts';

/** Moderator and member actions in meetings, as people would take them. */
export async function meeting(world: World, userId: string, subcommand: string, options: Record<string, string | number> = {}) {
  const handle = await world.sandbox.slashCommand({ guildId: world.guildId, channelId: world.circleChannelId, userId, name: 'meeting', subcommand, options });
  return handle.reply();
}

export async function meetingThreadId(world: World): Promise<string> {
  const record = await world.bot.services.meetings.current(world.guildId);
  if (!record?.threadId) throw new Error('No meeting thread');
  return record.threadId;
}

/** The message of round `number` (1-based) in the meeting thread, as it is now. */
export async function roundPost(world: World, number: number): Promise<SandboxMessage> {
  const thread = await meetingThreadId(world);
  return world.sandbox.waitForMessage(thread, (message) => message.content.includes(`**Round ${number} of`));
}

/** Presses a round button that opens a form, fills it in and submits it; returns the private answer. */
export async function pressAndFill(world: World, userId: string, message: SandboxMessage, label: string, text: string) {
  return (await pressAndSubmit(world.sandbox, { userId, guildId: world.guildId, message, label, fields: { text } })).reply();
}
