import type { Client } from 'discord.js';
import type { MeetingRecord } from '../domain/meetings/meeting-record.ts';
import { text } from '../texts/texts.ts';
import type { Reply } from './reply.ts';
import type { TurnButtonId } from './turn-posts.ts';

/**
 * The private answer to a press on the speaking-order message (the public message is edited apart).
 * `after` is the meeting as the press left it: Done says someone is up only when someone is.
 */
export function turnPressed(button: TurnButtonId, after: MeetingRecord): Reply {
  if (button === 'done' && !after.turns?.queue.current) return { content: text('voice.press.doneLast') };
  const key = {
    done: 'voice.press.done',
    pass: 'voice.press.pass',
    later: 'voice.press.later',
    'add-me': 'voice.press.addMe',
    'invite-on': 'voice.press.inviteOn',
    'invite-off': 'voice.press.inviteOff',
  } as const;
  return { content: text(key[button]) };
}

/** "Invite the speaker" is a moderator's choice. */

/** `/meeting status` in a sharing round: who is speaking (a name, never a mention) and how many wait. */
export function turnStatusLine(speaker: string | null, waiting: number): string {
  return text('voice.status', { speaker: speaker ?? text('voice.status.nobody'), waiting });
}

/** A member's name as the server shows it, never a mention; "a member" when Discord cannot say (as in the order message). */
export async function speakerName(client: Client, guildId: string, memberId: string): Promise<string> {
  const guild = client.guilds.cache.get(guildId);
  const member = guild?.members.cache.get(memberId) ?? (await guild?.members.fetch(memberId).catch(() => undefined));
  return member?.displayName ?? text('voice.order.someone');
}
