import { describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord.js';
import type { SandboxMessage } from '../../src/sandbox/types.ts';
import { ask, buttonId, offer, requestIdOf, requestPost, setUpCircle } from './help-flow.ts';
import { meeting, meetingThreadId, pressAndFill, roundPost } from './meeting-flow.ts';
import { movableClock, worldsClosedAfterEach, type World } from './world.ts';

const openWorld = worldsClosedAfterEach();

const RESOURCES = 'UK: Samaritans 116 123, any time. Online: https://www.samaritans.org/how-we-can-help/';
const HEADING = "You don't have to face this alone";

async function readyWorld(extra: Record<string, string> = {}, options: Parameters<typeof openWorld>[0] = {}): Promise<World> {
  const world = await openWorld(options);
  await setUpCircle(world, { 'crisis-resources': RESOURCES, 'moderator-role': world.moderatorRoleId, ...extra });
  return world;
}

const alerts = (w: World) => w.sandbox.messages(w.modChannelId).filter((m) => m.content.includes('may need care') || m.content.includes('check in with them'));
const labels = (message: { components?: unknown }) =>
  ((message.components ?? []) as Array<{ components: Array<{ label?: string; url?: string }> }>).flatMap((row) => row.components.map((c) => c.label ?? ''));
const urls = (message: { components?: unknown }) =>
  ((message.components ?? []) as Array<{ components: Array<{ url?: string }> }>).flatMap((row) => row.components.map((c) => c.url).filter(Boolean));

async function slash(w: World, userId: string, name: string, subcommand?: string, options: Record<string, string | number | boolean> = {}) {
  return (await w.sandbox.slashCommand({ guildId: w.guildId, channelId: w.circleChannelId, userId, name, subcommand, options })).reply();
}

async function press(w: World, userId: string, message: SandboxMessage, label: string) {
  return (await w.sandbox.clickButton({ userId, message, customId: buttonId(message, label) })).reply();
}

describe('crisis care in public words', () => {
  it('GIVEN an anonymous request with crisis words THEN the asker sees the resources first, and moderators get a link without a name', async () => {
    const w = await readyWorld();
    await ask(w, w.moderatorId, 'Someone else needs a hand');
    const answer = await ask(w, w.memberId, "I can't go on like this", true);
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toMatch(/^It sounds like/);
    expect(answer.content).toContain(HEADING);
    expect(answer.content.indexOf(RESOURCES)).toBeLessThan(answer.content.indexOf('without your name'));
    expect(answer.content).toContain('The moderators have been told');
    // No invitation to help others in a crisis reply, and no buttons for other members' requests.
    expect(answer.content).not.toContain('help others');
    expect(labels(answer)).not.toContain('Someone else needs a hand');
    const post = await requestPost(w, "I can't go on like this");
    const [alert] = alerts(w);
    expect(alert!.content).toContain(`/channels/${w.guildId}/${w.circleChannelId}/${post.id}`);
    expect(alert!.content).toContain('anonymously');
    expect(alert!.content).not.toContain(w.memberId);
  });

  it('GIVEN a meeting check-in with crisis words THEN the member sees the resources and the moderators get a link to the check-in', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    const answer = await pressAndFill(w, w.memberId, await roundPost(w, 1), 'Check in', 'Honestly I want to die some days');
    expect(answer.content).toMatch(/^It sounds like/);
    expect(answer.content).toContain(RESOURCES);
    expect(answer.content).toContain('The moderators have been told');
    const thread = await meetingThreadId(w);
    const shared = await w.sandbox.waitForMessage(thread, (m) => m.content.includes('I want to die'));
    const alert = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('meeting check-in'));
    expect(alert.content).toContain(`/channels/${w.guildId}/${thread}/${shared.id}`);
    expect(alert.content).toContain(`<@${w.memberId}>`);
    expect(alert.allowed_mentions).toMatchObject({ parse: [], users: [] });
  });

  it('GIVEN an offer with crisis words THEN the giver sees the resources and the moderators get a link to the offer', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Lonely evenings');
    const post = await requestPost(w, 'Lonely evenings');
    const answer = await offer(w, w.moderatorId, requestIdOf(post), 'Same here, I have thought about ending my life too');
    expect(answer.content).toMatch(/^It sounds like/);
    expect(answer.content).toContain('your offer is in');
    const alert = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('an offer of help'));
    expect(alert.content).toContain(`<@${w.moderatorId}>`);
  });

  it('GIVEN no moderators channel WHEN a member asks with crisis words THEN they are told plainly how to reach a person, never that a moderator was alerted', async () => {
    const w = await openWorld();
    await w.sandbox
      .slashCommand({
        guildId: w.guildId,
        channelId: w.circleChannelId,
        userId: w.managerId,
        name: 'circle',
        subcommand: 'setup',
        options: { channel: w.circleChannelId },
      })
      .then((h) => h.reply());
    const answer = await ask(w, w.memberId, 'I keep thinking about suicide');
    expect(answer.content).toContain('local emergency number');
    expect(answer.content).toContain('please message a moderator of this server');
    expect(answer.content).not.toContain('have been told');
  });

  it('GIVEN the alert cannot be posted WHEN a member asks with crisis words THEN they are told to message a moderator instead', async () => {
    const w = await readyWorld();
    await w.sandbox.slashCommand({ guildId: w.guildId, channelId: w.circleChannelId, userId: w.memberId, name: 'stats' }).then((h) => h.reply());
    w.sandbox.failNext({ route: `POST /channels/${w.modChannelId}/messages`, status: 500, times: 10 });
    const answer = await ask(w, w.memberId, 'I want to kill myself');
    expect(answer.content).toContain(RESOURCES);
    expect(answer.content).toContain('please message a moderator of this server');
    expect(answer.content).not.toContain('have been told');
  });

  it('GIVEN the circle is not set up WHEN a member asks with crisis words THEN the neutral default comes first and the set-up problem after', async () => {
    const w = await openWorld();
    const answer = await ask(w, w.memberId, 'I want to end it all');
    expect(answer.content).toMatch(/^It sounds like/);
    expect(answer.content.indexOf('local emergency number')).toBeLessThan(answer.content.indexOf("isn't set up"));
  });

  it('GIVEN the store is unavailable WHEN a member asks with crisis words THEN the resources still come first and the error after', async () => {
    const w = await readyWorld();
    await w.bot.store.close();
    const answer = await ask(w, w.memberId, 'I want to die');
    expect(answer.content).toMatch(/^It sounds like/);
    expect(answer.content).toContain(RESOURCES);
    expect(answer.content.indexOf(RESOURCES)).toBeLessThan(answer.content.indexOf('Something went wrong on our side'));
    expect(answer.content).not.toContain('have been told');
  });

  it('GIVEN Discord refuses the request post THEN the resources still come first, and the member can ask for a check-in', async () => {
    const w = await readyWorld();
    w.sandbox.failNext({ route: `POST /channels/${w.circleChannelId}/messages`, status: 500, times: 10 });
    const answer = await ask(w, w.memberId, 'I have been self-harming again');
    expect(answer.content).toMatch(/^It sounds like/);
    expect(answer.content).toContain(RESOURCES);
    expect(answer.content).not.toContain('have been told');
    expect(labels(answer)).toContain('Ask a moderator to check in with me');
    expect(alerts(w)).toHaveLength(0);
  });
});

describe('crisis care in private words', () => {
  it('GIVEN a task note with crisis words THEN the resources and a check-in button are shown, and nothing reaches the moderators', async () => {
    const w = await readyWorld();
    await slash(w, w.memberId, 'task', 'set', { text: 'Walk every morning' });
    const answer = await slash(w, w.memberId, 'task', 'report', { outcome: 'not-done', note: 'I overdosed on Tuesday' });
    expect(answer.content).toMatch(/^It sounds like/);
    expect(answer.content).toContain('never what you wrote');
    expect(labels(answer)).toContain('Ask a moderator to check in with me');
    expect(w.sandbox.messages(w.modChannelId)).toHaveLength(0);
  });

  it('GIVEN the check-in button WHEN the member presses it THEN the moderators are told who asked, never the private words', async () => {
    const w = await readyWorld();
    await slash(w, w.memberId, 'task', 'set', { text: 'Call my sister' });
    const answer = await slash(w, w.memberId, 'task', 'report', { outcome: 'partly', note: 'I want to die' });
    const pressed = await press(w, w.memberId, answer, 'Ask a moderator to check in with me');
    expect(pressed.content).toContain('The moderators have been told');
    const alert = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('check in with them'));
    expect(alert.content).toContain(`<@${w.memberId}>`);
    expect(alert.content).not.toContain('want to die');
    // Pressing again does not page the moderators twice.
    expect((await press(w, w.memberId, answer, 'Ask a moderator to check in with me')).content).toContain('already know');
    expect(alerts(w)).toHaveLength(1);
  });

  it('GIVEN the check-in button WHEN the member presses it twice at the same moment THEN the moderators are paged once', async () => {
    const w = await readyWorld();
    await slash(w, w.memberId, 'task', 'set', { text: 'Call my sister' });
    const answer = await slash(w, w.memberId, 'task', 'report', { outcome: 'partly', note: 'I want to die' });
    const [first, second] = await Promise.all([
      press(w, w.memberId, answer, 'Ask a moderator to check in with me'),
      press(w, w.memberId, answer, 'Ask a moderator to check in with me'),
    ]);
    expect(first.content).toContain('The moderators have been told');
    expect(second.content).toContain('The moderators have been told');
    await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('check in with them'));
    expect(alerts(w)).toHaveLength(1);
  });

  it('GIVEN a meeting task with crisis words THEN the member gets the resources privately and no alert is raised', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    for (let round = 0; round < 3; round += 1) await meeting(w, w.moderatorId, 'next');
    const answer = await pressAndFill(w, w.memberId, await roundPost(w, 4), 'Commit to a task', 'Not hurt myself this week');
    expect(answer.content).toMatch(/^It sounds like/);
    expect(labels(answer)).toContain('Ask a moderator to check in with me');
    expect(alerts(w)).toHaveLength(0);
  });
});

describe('crisis care in a rating comment', () => {
  it('GIVEN a rating comment with crisis words THEN the member gets the resources privately and the comment never reaches the moderators', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    const checkIn = await roundPost(w, 1);
    for (const member of [w.memberId, w.managerId, w.moderatorId]) await pressAndFill(w, member, checkIn, 'Check in', '');
    for (let round = 0; round < 4; round += 1) await meeting(w, w.moderatorId, 'next');
    const close = await roundPost(w, 5);
    const answer = await pressAndFill(w, w.memberId, close, '4', 'Good group but I want to die');
    expect(answer.content).toMatch(/^It sounds like/);
    expect(labels(answer)).toContain('Ask a moderator to check in with me');
    await pressAndFill(w, w.managerId, close, '5', 'Warm and calm');
    await pressAndFill(w, w.moderatorId, close, '4', 'Good pace');
    await meeting(w, w.moderatorId, 'end');
    const digest = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('Warm and calm'));
    expect(digest.content).toContain('Good pace');
    expect(JSON.stringify(w.sandbox.messages(w.modChannelId))).not.toContain('want to die');
  });
});

describe('moderators can respond', () => {
  it('GIVEN a crisis ping role THEN alerts, and only alerts, mention exactly that role', async () => {
    const w = await openWorld();
    const responders = w.sandbox.createRole(w.guildId, { name: 'Crisis responders' });
    await setUpCircle(w, { 'crisis-ping-role': responders.id, 'moderator-role': w.moderatorRoleId });
    await ask(w, w.memberId, 'I want to die');
    const alert = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('may need care'));
    expect(alert.content.startsWith(`<@&${responders.id}>`)).toBe(true);
    expect(alert.allowed_mentions).toMatchObject({ parse: [], roles: [responders.id] });
    const others = w.sandbox.messages(w.circleChannelId);
    for (const message of others) expect((message.allowed_mentions as { roles?: string[] } | undefined)?.roles ?? []).not.toContain(responders.id);
  });

  it('GIVEN an alert WHEN a moderator presses "I\'m on it" THEN the alert shows who took it and a second moderator is told', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'I want to die');
    const alert = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('may need care'));
    expect(alert.content).toContain('Trust & Safety');
    expect(alert.content).toContain('Look after yourself');
    const takeId = buttonId(alert, "I'm on it");
    // Two moderators press at the same moment: the first keeps it, the other is told who has it.
    const [first, second] = await Promise.all([
      w.sandbox.clickButton({ userId: w.moderatorId, message: alert, customId: takeId }),
      w.sandbox.clickButton({ userId: w.managerId, message: alert, customId: takeId }),
    ]);
    await Promise.all([first.firstResponse(), second.firstResponse()]);
    const updated = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.id === alert.id && m.content.includes('is on it'));
    const taker = updated.content.includes(`<@${w.moderatorId}> is on it`) ? w.moderatorId : w.managerId;
    expect(updated.content).toContain(`<@${taker}> is on it`);
    expect(labels(updated)).not.toContain("I'm on it");
    const refused = await (taker === w.moderatorId ? second : first).reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain(`<@${taker}> is already on it`);
  });

  it('GIVEN a member without a moderator role WHEN they press "I\'m on it" THEN they are refused and the alert stays open', async () => {
    const w = await readyWorld();
    await ask(w, w.moderatorId, 'I want to die');
    const alert = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('may need care'));
    const refused = await (await w.sandbox.clickButton({ userId: w.memberId, message: alert, customId: buttonId(alert, "I'm on it") })).reply();
    expect(refused.ephemeral).toBe(true);
    expect(w.sandbox.messages(w.modChannelId).find((m) => m.id === alert.id)!.content).toContain("Nobody has said they're on it yet");
  });

  it('GIVEN an alert nobody took WHEN the follow-up time passes across a restart THEN it is posted once more, exactly once', async () => {
    const clock = movableClock();
    const w = await readyWorld({}, { now: clock.now, scheduleTickMs: 200 });
    await ask(w, w.memberId, 'I want to die');
    const alert = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('may need care'));
    await w.restart(async () => clock.jumpTo(new Date(Date.now() + 16 * 60_000)));
    const followUp = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('Still waiting for a moderator'));
    expect(followUp.content).toContain(`/channels/${w.guildId}/${w.modChannelId}/${alert.id}`);
    // Start-up runs the follow-up check before the bot counts as started: no waiting needed.
    await w.restart();
    expect(w.sandbox.messages(w.modChannelId).filter((m) => m.content.includes('Still waiting'))).toHaveLength(1);
    expect((await w.bot.services.safety.alerts(w.guildId))[0]?.followUp).toBe('posted');
  });

  it('GIVEN an alert taken in time THEN no follow-up is posted', async () => {
    const clock = movableClock();
    const w = await readyWorld({}, { now: clock.now, scheduleTickMs: 200 });
    await ask(w, w.memberId, 'I want to die');
    const alert = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('may need care'));
    await (await w.sandbox.clickButton({ userId: w.moderatorId, message: alert, customId: buttonId(alert, "I'm on it") })).firstResponse();
    await w.sandbox.waitForMessage(w.modChannelId, (m) => m.id === alert.id && m.content.includes('is on it'));
    // An hour later, across a restart whose start-up runs the follow-up check: nothing is due.
    await w.restart(async () => clock.jumpTo(new Date(Date.now() + 60 * 60_000)));
    expect(w.sandbox.messages(w.modChannelId).filter((m) => m.content.includes('Still waiting'))).toHaveLength(0);
    expect((await w.bot.services.safety.alerts(w.guildId))[0]?.followUp).toBe('none');
  });
});

describe('crisis resources anywhere', () => {
  it('GIVEN resources with a web address THEN /crisis shows them privately with a link button and the check-in button', async () => {
    const w = await readyWorld();
    const answer = await slash(w, w.memberId, 'crisis');
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain('peer support, not a crisis service');
    expect(answer.content).toContain(RESOURCES);
    expect(urls(answer)).toEqual(['https://www.samaritans.org/how-we-can-help/']);
    expect(labels(answer)).toContain('Ask a moderator to check in with me');
  });

  it('GIVEN a meeting THEN its opening says once that the circle is peer support and its button shows the resources privately', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    const opening = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('has started'));
    expect(opening.content).toContain('peer support, not a crisis service');
    const shown = await press(w, w.memberId, opening, 'Crisis resources');
    expect(shown.ephemeral).toBe(true);
    expect(shown.content).toContain(RESOURCES);
  });
});

describe('the safety checklist', () => {
  it('GIVEN a moderators channel everyone can read THEN /circle show says so plainly', async () => {
    const w = await readyWorld();
    const shown = await slash(w, w.moderatorId, 'circle', 'show');
    const checklist = (shown.embeds as Array<{ fields: Array<{ name: string; value: string }> }>)[0]!.fields.find((f) => f.name === 'Safety checklist')!;
    expect(checklist.value).toContain('Crisis resources: set');
    expect(checklist.value).toContain('can be read by everyone in the server');
    expect(checklist.value).toContain('ping nobody');
  });

  it('GIVEN a private moderators channel and no resources THEN setup shows it private and the default in use', async () => {
    const w = await openWorld();
    const privateMods = w.sandbox.createChannel(w.guildId, {
      name: 'private-mods',
      permissionOverwrites: [
        { id: w.guildId, type: 0, deny: PermissionFlagsBits.ViewChannel },
        { id: w.sandbox.botUser.id, type: 1, allow: PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages },
      ],
    });
    const saved = await w.sandbox
      .slashCommand({
        guildId: w.guildId,
        channelId: w.circleChannelId,
        userId: w.managerId,
        name: 'circle',
        subcommand: 'setup',
        options: { channel: w.circleChannelId, 'mod-channel': privateMods.id },
      })
      .then((h) => h.reply());
    const checklist = (saved.embeds as Array<{ fields: Array<{ name: string; value: string }> }>)[0]!.fields.find((f) => f.name === 'Safety checklist')!;
    expect(checklist.value).toContain('hidden from @everyone');
    expect(checklist.value).toContain('neutral default');
  });
});

describe('deleting data leaves a safety record without identity', () => {
  it('GIVEN an alert about a member WHEN they delete their data THEN the alert post says an alert happened, without their name, link or words', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'I want to kill myself');
    const alert = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('may need care'));
    const question = await slash(w, w.memberId, 'privacy', 'delete');
    expect(question.content).toContain('1 note to the moderators about you');
    await press(w, w.memberId, question, 'Delete my data');
    const redacted = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.id === alert.id && m.content.includes('deleted their data'));
    expect(redacted.content).toContain('A crisis alert was raised here');
    expect(redacted.content).not.toContain(w.memberId);
    expect(redacted.content).not.toContain('kill myself');
    expect(redacted.content).not.toContain('/channels/');
  });

  it('GIVEN a moderator who took an alert WHEN they delete their data THEN the alert says a moderator was on it, without their name', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'I want to kill myself');
    const alert = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('may need care'));
    await (await w.sandbox.clickButton({ userId: w.moderatorId, message: alert, customId: buttonId(alert, "I'm on it") })).firstResponse();
    await w.sandbox.waitForMessage(w.modChannelId, (m) => m.id === alert.id && m.content.includes('is on it'));
    const question = await slash(w, w.moderatorId, 'privacy', 'delete');
    expect(question.content).toContain('1 crisis alert you took as a moderator');
    await press(w, w.moderatorId, question, 'Delete my data');
    const unnamed = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.id === alert.id && m.content.includes('A moderator was on it'));
    expect(unnamed.content).not.toContain(w.moderatorId);
    expect(unnamed.content).toContain(`<@${w.memberId}>`);
  });
});
