import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { Permission } from '../../src/sandbox/permissions.ts';
import { buttonId, setUpCircle } from './help-flow.ts';
import { meeting, meetingThreadId } from './meeting-flow.ts';
import { joinVoice, leaveVoice, members, orderOf, pressTurn, speakingOrder, voiceChannel } from './voice-flow.ts';
import { movableClock, worldsClosedAfterEach, type World, type WorldOptions } from './world.ts';

const openWorld = worldsClosedAfterEach();

async function readyWorld(options: WorldOptions = {}): Promise<World> {
  const world = await openWorld(options);
  await setUpCircle(world, { 'moderator-role': world.moderatorRoleId });
  return world;
}

const EIGHT = ['ana', 'ben', 'cleo', 'dev', 'eli', 'fay', 'gus', 'hal'];

describe('a meeting in a voice channel', () => {
  it('GIVEN a voice channel chosen at the start WHEN the meeting opens THEN the opening links it', async () => {
    const w = await readyWorld();
    const lounge = voiceChannel(w, 'lounge');
    await meeting(w, w.moderatorId, 'start', { format: 'short', 'voice-channel': lounge });
    const opening = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('has started'));
    expect(opening.content).toContain(`We talk in <#${lounge}>`);
  });

  it('GIVEN a circle whose default voice channel is set WHEN a meeting starts without one THEN it talks there', async () => {
    const w = await readyWorld();
    const lounge = voiceChannel(w, 'lounge');
    await setUpCircle(w, { 'voice-channel': lounge });
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    const opening = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('has started'));
    expect(opening.content).toContain(`We talk in <#${lounge}>`);
  });

  it('GIVEN 8 members in voice WHEN check-in runs with Done, Pass, Later, Add me, a late joiner and a leaver THEN the one order message follows every change, names only', async () => {
    const clock = movableClock();
    const w = await readyWorld({ meetingMinuteMs: 20_000, now: clock.now });
    const lounge = voiceChannel(w, 'lounge');
    const people = members(w, [...EIGHT, 'ivy']);
    for (const name of EIGHT) joinVoice(w, people[name]!, lounge);
    await meeting(w, w.moderatorId, 'start', { format: 'short', 'voice-channel': lounge });

    // The first meeting of the circle: the fair order starts at the first member.
    const first = await speakingOrder(w);
    expect(orderOf(first.content)).toEqual({ speaking: 'ana', after: EIGHT.slice(1) });
    expect(first.content).not.toContain('<@');
    expect(first.allowed_mentions).toMatchObject({ parse: [] });

    expect((await pressTurn(w, people.ben!, 'Done')).content).toContain('Only the person speaking');
    expect((await pressTurn(w, people.ana!, 'Done')).content).toContain('The next person is up');
    expect(orderOf((await speakingOrder(w)).content).speaking).toBe('ben');

    const passed = await pressTurn(w, people.ben!, 'Pass');
    expect(passed.ephemeral).toBe(true);
    expect(passed.content).toBe("That's fine. You've passed this round.");
    expect(orderOf((await speakingOrder(w)).content)).toEqual({ speaking: 'cleo', after: ['dev', 'eli', 'fay', 'gus', 'hal'] });

    expect((await pressTurn(w, people.cleo!, 'Later')).content).toContain('at the end of the order');
    expect(orderOf((await speakingOrder(w)).content)).toEqual({ speaking: 'dev', after: ['eli', 'fay', 'gus', 'hal', 'cleo'] });
    expect((await pressTurn(w, people.cleo!, 'Later')).content).toContain('already moved later once');

    // Someone following in text asks for a turn; someone joins voice late.
    expect((await pressTurn(w, w.memberId, 'Add me')).content).toContain("You're in the order");
    joinVoice(w, people.ivy!, lounge);
    await speakingOrder(w, (content) => content.includes('ivy'));
    expect(orderOf((await speakingOrder(w)).content).after).toEqual(['eli', 'fay', 'gus', 'hal', 'cleo', 'sam', 'ivy']);

    // A waiting member drops out: they keep their place, and are passed over while away.
    leaveVoice(w, people.eli!);
    await speakingOrder(w, (content) => content.includes('eli (stepped away'));
    await pressTurn(w, people.dev!, 'Done');
    expect(orderOf((await speakingOrder(w)).content).speaking).toBe('fay');

    // Past the grace period they are out of the order.
    clock.jumpTo(new Date(clock.now().getTime() + 45_000));
    await pressTurn(w, people.fay!, 'Done');
    expect(orderOf((await speakingOrder(w)).content)).toEqual({ speaking: 'gus', after: ['hal', 'cleo', 'sam', 'ivy'] });

    const status = await meeting(w, w.moderatorId, 'status');
    expect(status.content).toContain('Speaking now: gus. Waiting: 4.');
    expect(await w.sandbox.messages(await meetingThreadId(w)).filter((m) => m.content.startsWith('**Speaking order')).length).toBe(1);
  });

  it('GIVEN a sharing round in voice WHEN the bot restarts mid round THEN the order is kept, presence is re-read and the same message is brought up to date', async () => {
    const w = await readyWorld({ meetingMinuteMs: 20_000 });
    const lounge = voiceChannel(w, 'lounge');
    const people = members(w, ['ana', 'ben', 'cleo', 'dev']);
    for (const name of ['ana', 'ben', 'cleo', 'dev']) joinVoice(w, people[name]!, lounge);
    await meeting(w, w.moderatorId, 'start', { format: 'short', 'voice-channel': lounge });
    await speakingOrder(w);
    await pressTurn(w, people.ana!, 'Done');
    await pressTurn(w, people.cleo!, 'Later');

    await w.restart(async () => {
      // While the bot is away, someone new comes in.
      joinVoice(w, w.memberId, lounge);
    });

    const restarted = await speakingOrder(w, (content) => content.includes('sam'));
    expect(orderOf(restarted.content)).toEqual({ speaking: 'ben', after: ['dev', 'cleo', 'sam'] });
    expect(w.sandbox.messages(await meetingThreadId(w)).filter((m) => m.content.startsWith('**Speaking order')).length).toBe(1);
    expect((await pressTurn(w, people.ben!, 'Done')).content).toContain('The next person is up');
    expect(orderOf((await speakingOrder(w)).content).speaking).toBe('dev');
  });
});

describe('/privacy delete in a voice meeting', () => {
  it('GIVEN a member waiting in the speaking order WHEN they delete their data THEN they are told it goes and the order message drops their name at once', async () => {
    const w = await readyWorld({ meetingMinuteMs: 20_000 });
    const lounge = voiceChannel(w, 'lounge');
    const people = members(w, ['ana', 'ben', 'cleo']);
    for (const name of ['ana', 'ben', 'cleo']) joinVoice(w, people[name]!, lounge);
    await meeting(w, w.moderatorId, 'start', { format: 'short', 'voice-channel': lounge });
    expect(orderOf((await speakingOrder(w)).content)).toEqual({ speaking: 'ana', after: ['ben', 'cleo'] });

    const slash = { guildId: w.guildId, channelId: w.circleChannelId, userId: people.ben!, name: 'privacy', subcommand: 'delete' };
    const question = await (await w.sandbox.slashCommand(slash)).reply();
    expect(question.content).toContain('your turn in the speaking order');
    await (await w.sandbox.clickButton({ userId: people.ben!, message: question, customId: buttonId(question, 'Delete my data') })).reply();

    const edited = await speakingOrder(w, (content) => !content.includes('ben'));
    expect(orderOf(edited.content)).toEqual({ speaking: 'ana', after: ['cleo'] });
  });
});

describe('a meeting on a Stage', () => {
  /** The bot may invite listeners to speak on this Stage only (Mute Members there). */
  const botMayInvite = (w: World) => [{ id: w.sandbox.botUser.id, type: 1, allow: String(Permission.MuteMembers) }];
  const onStage = (w: World, stage: string, userId: string) =>
    w.sandbox.voiceStates(w.guildId, stage).find((state) => state.user_id === userId)?.suppress === false;

  it('GIVEN raised hands on a Stage WHEN a moderator turns on "invite the speaker" THEN hands set the order and each speaker in turn is invited up, the last one moved back', async () => {
    const w = await readyWorld({ meetingMinuteMs: 20_000 });
    const stage = voiceChannel(w, 'meeting stage', 13, botMayInvite(w));
    const people = members(w, ['ana', 'ben', 'cleo', 'dev']);
    for (const name of ['ana', 'ben', 'cleo', 'dev']) joinVoice(w, people[name]!, stage);
    for (const name of ['cleo', 'ana', 'ben']) w.sandbox.raiseHand({ guildId: w.guildId, userId: people[name]! });
    await meeting(w, w.moderatorId, 'start', { format: 'short', 'voice-channel': stage });

    expect(orderOf((await speakingOrder(w)).content)).toEqual({ speaking: 'cleo', after: ['ana', 'ben'] });
    // A listener who raises a hand during the round asks for a turn.
    w.sandbox.raiseHand({ guildId: w.guildId, userId: people.dev! });
    await speakingOrder(w, (content) => content.includes('dev'));

    expect((await pressTurn(w, people.ana!, 'Invite the speaker')).content).toContain('Only a moderator');
    expect((await pressTurn(w, w.moderatorId, 'Invite the speaker')).content).toContain('invite each speaker onto the stage');
    expect(onStage(w, stage, people.cleo!)).toBe(true);

    await pressTurn(w, people.cleo!, 'Done');
    expect(onStage(w, stage, people.ana!)).toBe(true);
    expect(onStage(w, stage, people.cleo!)).toBe(false);
    expect(orderOf((await speakingOrder(w)).content)).toEqual({ speaking: 'ana', after: ['ben', 'dev'] });

    // When the round is over, the last one invited goes back to the audience.
    await meeting(w, w.moderatorId, 'next');
    expect(onStage(w, stage, people.ana!)).toBe(false);
  });

  it('GIVEN raised hands on a Stage WHEN a listener lowers their hand before their turn THEN they leave the order, asked nothing', async () => {
    const w = await readyWorld({ meetingMinuteMs: 20_000 });
    const stage = voiceChannel(w, 'meeting stage', 13);
    const people = members(w, ['ana', 'ben', 'cleo']);
    for (const name of ['ana', 'ben', 'cleo']) joinVoice(w, people[name]!, stage);
    for (const name of ['ana', 'ben', 'cleo']) w.sandbox.raiseHand({ guildId: w.guildId, userId: people[name]! });
    await meeting(w, w.moderatorId, 'start', { format: 'short', 'voice-channel': stage });
    expect(orderOf((await speakingOrder(w)).content)).toEqual({ speaking: 'ana', after: ['ben', 'cleo'] });

    w.sandbox.lowerHand({ guildId: w.guildId, userId: people.ben! });

    const order = await speakingOrder(w, (content) => orderOf(content).after.length === 1);
    expect(orderOf(order.content)).toEqual({ speaking: 'ana', after: ['cleo'] });
  });

  it('GIVEN a Stage where the bot lacks Mute Members WHEN "invite the speaker" is on THEN the thread is told once what could not be done and the order goes on', async () => {
    const w = await readyWorld({ meetingMinuteMs: 20_000 });
    const stage = voiceChannel(w, 'town hall', 13);
    const people = members(w, ['ana', 'ben', 'cleo']);
    for (const name of ['ana', 'ben', 'cleo']) {
      joinVoice(w, people[name]!, stage);
      w.sandbox.raiseHand({ guildId: w.guildId, userId: people[name]! });
    }
    await meeting(w, w.moderatorId, 'start', { format: 'short', 'voice-channel': stage });
    await speakingOrder(w);
    await pressTurn(w, w.moderatorId, 'Invite the speaker');
    await pressTurn(w, people.ana!, 'Done');
    await pressTurn(w, people.ben!, 'Done');

    const thread = await meetingThreadId(w);
    const refusals = w.sandbox.messages(thread).filter((m) => m.content.includes('I need the Mute Members permission'));
    expect(refusals.map((m) => m.content)).toEqual([
      `I couldn't invite speakers onto the stage: I need the Mute Members permission in <#${stage}>. The speaking order goes on as usual.`,
    ]);
    expect(orderOf((await speakingOrder(w)).content).speaking).toBe('cleo');
    expect(onStage(w, stage, people.cleo!)).toBe(false);
  });
});

describe('attendance from presence', () => {
  it('GIVEN members who stayed in voice for the attendance minutes but pressed nothing WHEN the meeting ends THEN the summary counts them as taking part', async () => {
    const clock = movableClock();
    const w = await readyWorld({ meetingMinuteMs: 20_000, now: clock.now });
    const lounge = voiceChannel(w, 'lounge');
    const people = members(w, ['ana', 'ben', 'cleo', 'dev', 'eli']);
    for (const id of Object.values(people)) joinVoice(w, id, lounge);
    await meeting(w, w.moderatorId, 'start', { format: 'grow', 'voice-channel': lounge });
    await w.sandbox.waitForMessage(await meetingThreadId(w), (m) => m.content.includes('**Round 1 of'));

    clock.jumpTo(new Date(clock.now().getTime() + 6 * 20_000));
    await meeting(w, w.moderatorId, 'end');
    const summary = await w.sandbox.waitForMessage(await meetingThreadId(w), (m) => m.content.includes('The meeting has ended'));
    expect(summary.content).toContain('Taking part: 5.');
  });
});

describe('a sharing round that is over', () => {
  it('GIVEN the meeting moves on to the next sharing round THEN the old order says it has ended without buttons, and the new round has its own order', async () => {
    const w = await readyWorld({ meetingMinuteMs: 20_000 });
    const lounge = voiceChannel(w, 'lounge');
    const people = members(w, ['ana', 'ben']);
    for (const id of Object.values(people)) joinVoice(w, id, lounge);
    await meeting(w, w.moderatorId, 'start', { format: 'short', 'voice-channel': lounge });
    const checkIn = await speakingOrder(w, (content) => content.includes('Check-in'));

    await meeting(w, w.moderatorId, 'next');
    const needs = await speakingOrder(w, (content) => content.includes('Needs'));
    expect(needs.id).not.toBe(checkIn.id);
    const closed = await w.sandbox.waitForMessage(await meetingThreadId(w), (m) => m.id === checkIn.id && m.content.includes('has ended'));
    expect(closed.components ?? []).toEqual([]);
    expect(orderOf(needs.content)).toEqual({ speaking: 'ana', after: ['ben'] });
  });
});

describe('a scheduled voice meeting', () => {
  it('GIVEN a schedule with a voice channel WHEN its meeting starts by itself THEN the answer named the channel and the meeting talks there', async () => {
    const clock = movableClock();
    const w = await readyWorld({ now: clock.now, meetingMinuteMs: 60_000, scheduleTickMs: 200 });
    const lounge = voiceChannel(w, 'lounge');
    const start = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000);
    const local = DateTime.fromJSDate(start, { zone: 'Europe/London' });
    const added = await w.sandbox.slashCommand({
      guildId: w.guildId,
      channelId: w.circleChannelId,
      userId: w.moderatorId,
      name: 'schedule',
      subcommand: 'add',
      options: {
        name: 'Evening circle',
        weekday: local.toFormat('ccc').toLowerCase(),
        time: local.toFormat('HH:mm'),
        timezone: 'Europe/London',
        reminder: 0,
        format: 'short',
        duration: 30,
        'voice-channel': lounge,
      },
    });
    expect((await added.reply()).content).toContain(`Its meetings talk in <#${lounge}>`);

    clock.jumpTo(new Date(start.getTime() + 100));
    const opening = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('has started'));
    expect(opening.content).toContain(`We talk in <#${lounge}>`);
  });
});

describe('gentle time boxes', () => {
  it('GIVEN a share that runs past its time box THEN the order message says so kindly and nobody is moved on or muted', async () => {
    const w = await readyWorld({ meetingMinuteMs: 1_000 });
    const lounge = voiceChannel(w, 'lounge');
    const people = members(w, ['ana', 'ben']);
    for (const id of Object.values(people)) joinVoice(w, id, lounge);
    await meeting(w, w.moderatorId, 'start', { format: 'short', 'voice-channel': lounge });
    // The round's clock stops; a share's time box does not.
    await meeting(w, w.moderatorId, 'pause');

    const timeUp = await speakingOrder(w, (content) => content.includes('time for this share is up'));
    expect(timeUp.content).toContain('Speaking now: **ana**. Your time for this share is up; take a moment to finish, no rush.');
    expect(w.sandbox.voiceStates(w.guildId, lounge).every((state) => !state.mute)).toBe(true);
  });
});
