import { ButtonStyle, ComponentType, type TextChannel } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { SandboxMessage } from '../../src/sandbox/types.ts';
import { setUpCircle } from './help-flow.ts';
import { meeting, roundPost } from './meeting-flow.ts';
import { worldsClosedAfterEach, type World } from './world.ts';

const openWorld = worldsClosedAfterEach();

const EXPIRED = /This button has expired, so nothing was changed/;

async function worldWithMeeting(): Promise<World> {
  const world = await openWorld();
  await setUpCircle(world, { 'moderator-role': world.moderatorRoleId });
  await meeting(world, world.moderatorId, 'start', { format: 'short' });
  await roundPost(world, 1);
  return world;
}

/** A message in the circle channel with one button carrying `customId`, as an older (or tampered) post would. */
async function postWithButton(world: World, customId: string): Promise<SandboxMessage> {
  const channel = (await world.bot.client.channels.fetch(world.circleChannelId)) as TextChannel;
  const content = `A post with ${customId}`;
  await channel.send({
    content,
    components: [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Press', customId }] }],
  });
  return world.sandbox.waitForMessage(world.circleChannelId, (message) => message.content === content);
}

type LogEntry = { level: number; msg: string; handler?: string };
const DEBUG = 20;

describe('custom ids that no longer fit', () => {
  it('GIVEN a running meeting WHEN a member presses a check-in button whose round is not a number (mtg-checkin:abc:notanumber) THEN they are told privately it expired, nothing is recorded, and the log names the prefix only', async () => {
    const w = await worldWithMeeting();
    const message = await postWithButton(w, 'mtg-checkin:abc:notanumber');
    const answer = await (await w.sandbox.clickButton({ userId: w.memberId, message, customId: 'mtg-checkin:abc:notanumber' })).reply();

    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toMatch(EXPIRED);
    expect((await w.bot.services.meetings.current(w.guildId))?.attendees).toEqual([]);
    const logged = (w.logs.entries() as LogEntry[]).find((entry) => entry.msg === 'custom id did not decode: answered as expired');
    expect(logged).toMatchObject({ level: DEBUG, handler: 'component mtg-checkin' });
    expect(w.logs.lines.join('\n')).not.toContain('notanumber');
    expect(w.logs.lines.some((line) => line.includes('unexpected failure'))).toBe(false);
  });

  it('GIVEN a button whose prefix no handler claims WHEN pressed THEN the member is told privately it expired', async () => {
    const w = await worldWithMeeting();
    const message = await postWithButton(w, 'mtg-retired:abc:1');
    const answer = await (await w.sandbox.clickButton({ userId: w.memberId, message, customId: 'mtg-retired:abc:1' })).reply();

    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toMatch(EXPIRED);
    expect(
      (w.logs.entries() as LogEntry[]).some((entry) => entry.msg === 'no handler for this custom id prefix: answered as expired' && entry.level === DEBUG),
    ).toBe(true);
  });

  it('GIVEN a rating form submitted with a score out of range (mtg-rate-modal:abc:0:9) THEN it is answered as expired, privately, and no rating is kept', async () => {
    const w = await worldWithMeeting();
    const handle = await w.sandbox.submitModal({
      userId: w.memberId,
      guildId: w.guildId,
      channelId: w.circleChannelId,
      customId: 'mtg-rate-modal:abc:0:9',
      fields: { text: 'Great' },
    });
    const answer = await handle.reply();

    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toMatch(EXPIRED);
    expect((await w.bot.services.meetings.current(w.guildId))?.ratings ?? []).toEqual([]);
  });

  it('GIVEN a "Keep my data" button whose owner is not a user id WHEN pressed THEN the member gets a private answer and the post stays as it was', async () => {
    const w = await worldWithMeeting();
    const message = await postWithButton(w, 'privacy-keep:someone');
    const answer = await (await w.sandbox.clickButton({ userId: w.memberId, message, customId: 'privacy-keep:someone' })).reply();

    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toMatch(EXPIRED);
    expect(w.sandbox.messages(w.circleChannelId).find((m) => m.id === message.id)?.content).toBe(message.content);
  });

  it('GIVEN a round button built exactly as earlier versions built it (mtg-checkin:<meeting>:0) WHEN pressed THEN the check-in form opens', async () => {
    const w = await worldWithMeeting();
    const record = await w.bot.services.meetings.current(w.guildId);
    const customId = `mtg-checkin:${record!.state.id}:0`;
    const message = await postWithButton(w, customId);
    const modal = (await (await w.sandbox.clickButton({ userId: w.memberId, message, customId })).modal()) as { custom_id: string };

    expect(modal.custom_id).toBe(`mtg-checkin-modal:${record!.state.id}:0`);
  });
});
