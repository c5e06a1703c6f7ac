import type { SandboxMessage } from '../../src/sandbox/types.ts';
import { buttonId } from './help-flow.ts';
import { meetingThreadId } from './meeting-flow.ts';
import type { World } from './world.ts';

/** Voice meetings as people take part in them: in a voice channel, pressing the speaking order's buttons. */

/** A voice channel (type 2) or a Stage channel (type 13) in the world's server. */
export function voiceChannel(world: World, name: string, type: 2 | 13 = 2, permissionOverwrites?: unknown[]): string {
  return world.sandbox.createChannel(world.guildId, { name, type, ...(permissionOverwrites ? { permissionOverwrites } : {}) } as never).id;
}

/** Members of the server, by first name, each with that name as their display name. */
export function members(world: World, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, world.sandbox.addMember(world.guildId, { username: `${name}-user`, globalName: name }).user.id]));
}

export function joinVoice(world: World, userId: string, channelId: string): void {
  world.sandbox.joinVoice({ guildId: world.guildId, userId, channelId });
}

export function leaveVoice(world: World, userId: string): void {
  world.sandbox.leaveVoice({ guildId: world.guildId, userId });
}

/** The speaking-order message in the meeting's thread once `predicate` holds for it. */
export async function speakingOrder(world: World, predicate: (content: string) => boolean = () => true): Promise<SandboxMessage> {
  const thread = await meetingThreadId(world);
  return world.sandbox.waitForMessage(thread, (message) => message.content.startsWith('**Speaking order') && predicate(message.content));
}

/** Presses a button of the speaking-order message as it is now; returns the private answer. */
export async function pressTurn(world: World, userId: string, label: string) {
  const order = await speakingOrder(world);
  const click = await world.sandbox.clickButton({ userId, message: order, customId: buttonId(order, label) });
  return click.reply();
}

/** Who the speaking-order message says is speaking, and the names after "Then:" (`after`). */
export function orderOf(content: string): { speaking: string | null; after: string[] } {
  const speaking = /Speaking now: \*\*(.+?)\*\*/.exec(content)?.[1] ?? null;
  const after = /Then: (.+)\./.exec(content)?.[1]?.split(', ') ?? [];
  return { speaking, after };
}
