import { buttonCustomId } from '../../src/sandbox/components.ts';
import type { SandboxMessage } from '../../src/sandbox/types.ts';
import type { World } from './world.ts';

/** Member actions for help tests, written the way a member would do them. */
export async function setUpCircle(world: World, extra: Record<string, string> = {}) {
  const handle = await world.sandbox.slashCommand({
    guildId: world.guildId,
    channelId: world.circleChannelId,
    userId: world.managerId,
    name: 'circle',
    subcommand: 'setup',
    options: { channel: world.circleChannelId, 'mod-channel': world.modChannelId, timezone: 'Europe/London', ...extra },
  });
  return handle.reply();
}

export async function ask(world: World, userId: string, topic: string, anonymous = false) {
  const handle = await world.sandbox.slashCommand({
    guildId: world.guildId,
    channelId: world.circleChannelId,
    userId,
    name: 'ask',
    options: anonymous ? { topic, anonymous } : { topic },
  });
  return handle.reply();
}

/** The request's public post, found by its topic. */
export async function requestPost(world: World, topic: string): Promise<SandboxMessage> {
  return world.sandbox.waitForMessage(world.circleChannelId, (message) => message.content.includes(topic));
}

/** A request's thread: started from its post, so it shares the post's id, as on Discord. */
export function requestThreadId(world: World, post: SandboxMessage): string {
  const thread = world.sandbox.threads(world.circleChannelId).find((channel) => channel.id === post.id);
  if (!thread) throw new Error(`No thread on request post ${post.id}`);
  return thread.id;
}

/** The request id the bot put in the post's "I can help" button. */
export function requestIdOf(post: SandboxMessage): string {
  return buttonId(post, 'I can help').split(':')[1]!;
}

/** `timeoutMs`: how long to wait for the visible answer (bulk tests queue behind Discord's 50 requests/s). */
export async function offer(world: World, userId: string, requestId: string, message?: string, timeoutMs?: number) {
  const handle = await world.sandbox.slashCommand({
    guildId: world.guildId,
    channelId: world.circleChannelId,
    userId,
    name: 'offer',
    options: message ? { request: requestId, message } : { request: requestId },
  });
  return handle.reply(timeoutMs);
}

export async function offerChoices(world: World, userId: string, typed = '') {
  return world.sandbox.autocomplete({
    guildId: world.guildId,
    channelId: world.circleChannelId,
    userId,
    name: 'offer',
    options: { request: typed },
    focused: 'request',
  });
}

export async function stats(world: World, userId: string) {
  const handle = await world.sandbox.slashCommand({ guildId: world.guildId, channelId: world.circleChannelId, userId, name: 'stats' });
  return handle.reply();
}

/** The custom id of a button on a message, found by its label. */
export const buttonId = buttonCustomId;
