import { describe, expect, it } from 'vitest';
import type { ReplyMessage } from '../../src/sandbox/interactions.ts';
import type { SandboxMessage } from '../../src/sandbox/types.ts';
import { openStore } from '../../src/store/sqlite-store.ts';
import { ask, buttonId, offer, requestIdOf, requestPost, requestThreadId, setUpCircle } from './help-flow.ts';
import { meeting, meetingThreadId, pressAndFill, roundPost } from './meeting-flow.ts';
import { worldsClosedAfterEach, type World, type WorldOptions } from './world.ts';

/**
 * `/privacy delete` and meetings: after a member deletes their data, nothing the bot wrote anywhere
 * (posts, thread titles, stored records) names them or repeats their words.
 */

const openWorld = worldsClosedAfterEach();

async function readyWorld(options: WorldOptions = {}): Promise<World> {
  const world = await openWorld(options);
  await setUpCircle(world, { 'moderator-role': world.moderatorRoleId });
  return world;
}

async function privacy(w: World, userId: string, subcommand: 'show' | 'export' | 'delete'): Promise<ReplyMessage> {
  return (await w.sandbox.slashCommand({ guildId: w.guildId, channelId: w.circleChannelId, userId, name: 'privacy', subcommand })).reply();
}

/** Asks for deletion, confirms it, and returns the question and the final answer. */
async function deleteData(w: World, userId: string): Promise<{ question: ReplyMessage; done: ReplyMessage }> {
  const question = await privacy(w, userId, 'delete');
  const done = await (await w.sandbox.clickButton({ userId, message: question, customId: buttonId(question, 'Delete my data') })).reply();
  return { question, done };
}

async function exported(w: World, userId: string): Promise<Record<string, unknown> & { raw: string }> {
  const answer = await privacy(w, userId, 'export');
  const raw = w.sandbox.attachmentData(answer.attachments[0]!.id)!.toString('utf8');
  return { ...(JSON.parse(raw) as Record<string, unknown>), raw };
}

/** Moves a running meeting on to round `number` (1-based) and returns that round's post. */
async function goToRound(w: World, number: number): Promise<SandboxMessage> {
  const record = await w.bot.services.meetings.current(w.guildId);
  for (let round = record!.state.roundIndex + 1; round < number; round += 1) await meeting(w, w.moderatorId, 'next');
  return roundPost(w, number);
}

/** "I can help" in a meeting's helping round: pick the need by its words, write the offer. */
async function offerInMeeting(w: World, userId: string, round: SandboxMessage, need: string, words: string) {
  const picker = await (await w.sandbox.clickButton({ userId, message: round, customId: buttonId(round, 'I can help') })).reply();
  const select = (picker.components as Array<{ components: Array<{ custom_id: string; options: Array<{ value: string; label: string }> }> }>)[0]!
    .components[0]!;
  const value = select.options.find((option) => option.label === need)!.value;
  const modal = await (await w.sandbox.selectMenu({ userId, message: picker, customId: select.custom_id, values: [value] })).modal();
  const submitted = await w.sandbox.submitModal({
    userId,
    guildId: w.guildId,
    channelId: round.channel_id,
    customId: modal.custom_id,
    fields: { text: words },
  });
  expect((await submitted.reply()).content).toContain('your offer is in');
}

async function volunteerToChair(w: World, userId: string, close: SandboxMessage) {
  const answer = await (await w.sandbox.clickButton({ userId, message: close, customId: buttonId(close, "I'd like to chair sometime") })).reply();
  expect(answer.content).toContain("you're on the chairing rotation");
}

/** Every post the bot can be seen to have written in the server: channels, threads and their titles. */
function everythingVisible(w: World): Array<{ where: string; text: string }> {
  const threads = w.sandbox.threads(w.circleChannelId);
  const channels = [w.circleChannelId, w.modChannelId, ...threads.map((thread) => thread.id)];
  return [
    ...threads.map((thread) => ({ where: `title of thread ${thread.id}`, text: thread.name })),
    ...channels.flatMap((channelId) =>
      w.sandbox.messages(channelId).map((message) => ({
        where: `message ${message.id} in ${channelId}`,
        text: JSON.stringify({ content: message.content, embeds: message.embeds, components: message.components, mentions: message.mentions }),
      })),
    ),
  ];
}

/** Where any of `needles` still shows. */
function stillShowing(w: World, needles: readonly string[]): string[] {
  return everythingVisible(w).flatMap(({ where, text }) => needles.filter((needle) => text.includes(needle)).map((needle) => `${needle} in ${where}`));
}

/** Every row of the SQLite file whose key or value contains `needle`, read through a second connection. */
async function storedRowsContaining(w: World, needle: string): Promise<string[]> {
  const store = await openStore(w.storeUrl);
  try {
    const rows = await (store.keyv.store as { query(sql: string): Promise<Array<{ key: string; value: string }>> }).query('SELECT key, value FROM keyv');
    return rows.filter((row) => row.key.includes(needle) || row.value.includes(needle)).map((row) => row.key);
  } finally {
    await store.close();
  }
}

const threadState = (w: World, threadId: string) => w.sandbox.threads(w.circleChannelId).find((thread) => thread.id === threadId)!.thread_metadata;

describe('/privacy delete leaves nothing of the member in meetings', () => {
  it('GIVEN a member who shared a check-in WHEN they delete their data THEN the check-in post is gone', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    await pressAndFill(w, w.memberId, await roundPost(w, 1), 'Check in', 'Sam feels wobbly today');
    const thread = await meetingThreadId(w);
    await w.sandbox.waitForMessage(thread, (m) => m.content.includes('Sam feels wobbly today'));

    const { done } = await deleteData(w, w.memberId);

    expect(w.sandbox.messages(thread).filter((m) => m.content.includes('wobbly') || m.content.includes(w.memberId))).toEqual([]);
    expect(done.content).toContain('• 1 check-in you shared in a meeting thread');
    expect(done.content).not.toContain("couldn't clean up");
  });

  it('GIVEN a check-in from an earlier meeting, since replaced by a new one WHEN the member deletes their data THEN that check-in post is gone too', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    await pressAndFill(w, w.memberId, await roundPost(w, 1), 'Check in', 'Last week was heavy');
    const earlierThread = await meetingThreadId(w);
    await meeting(w, w.moderatorId, 'end');
    await w.sandbox.waitForMessage(earlierThread, (m) => m.content.includes('The meeting has ended'));
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    expect(await meetingThreadId(w)).not.toBe(earlierThread);

    await deleteData(w, w.memberId);

    expect(w.sandbox.messages(earlierThread).filter((m) => m.content.includes('Last week was heavy'))).toEqual([]);
  });

  it('GIVEN a member who raised a need in a meeting and got an offer WHEN they delete their data THEN the need post says it was removed and the offer post naming them is gone', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    await pressAndFill(w, w.memberId, await goToRound(w, 2), 'I need help', 'Sam cannot face the post office');
    await offerInMeeting(w, w.managerId, await goToRound(w, 3), 'Sam cannot face the post office', 'Maya will walk there with you');
    const thread = await meetingThreadId(w);
    const need = await w.sandbox.waitForMessage(thread, (m) => m.content.includes('post office'));

    await deleteData(w, w.memberId);

    const messages = w.sandbox.messages(thread);
    expect(messages.find((m) => m.id === need.id)!.content).toContain('This request was removed');
    expect(messages.filter((m) => m.content.includes('post office') || m.content.includes('Maya will walk') || m.content.includes(w.memberId))).toEqual([]);
  });

  it('GIVEN a member who offered on a need raised in a meeting whose thread was archived since WHEN they delete their data THEN their offer post is gone and the thread is archived again', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    await pressAndFill(w, w.managerId, await goToRound(w, 2), 'I need help', 'Maya needs a lift on Friday');
    await offerInMeeting(w, w.memberId, await goToRound(w, 3), 'Maya needs a lift on Friday', 'Sam has a car on Fridays');
    await meeting(w, w.moderatorId, 'end');
    const thread = await meetingThreadId(w);
    await w.sandbox.waitForMessage(thread, (m) => m.content.includes('The meeting has ended'));
    w.sandbox.setThreadState(thread, { archived: true });

    const { done } = await deleteData(w, w.memberId);

    expect(w.sandbox.messages(thread).filter((m) => m.content.includes('Sam has a car') || m.content.includes(w.memberId))).toEqual([]);
    expect(threadState(w, thread)).toMatchObject({ archived: true, locked: false });
    expect(done.content).not.toContain("couldn't clean up");
  });

  it('GIVEN a moderator who started and chaired a meeting WHEN they delete their data THEN its opening and round posts say "a member" instead of naming them', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    const opening = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('has started'));
    expect(opening.content).toContain(`Chaired by <@${w.moderatorId}>`);
    const firstRound = await roundPost(w, 1);
    expect(firstRound.content).toContain(`<@${w.moderatorId}> is chairing today`);

    await deleteData(w, w.moderatorId);

    const posts = [...w.sandbox.messages(w.circleChannelId), ...w.sandbox.messages(await meetingThreadId(w))];
    expect(posts.filter((m) => m.content.includes(w.moderatorId))).toEqual([]);
    expect(posts.find((m) => m.id === opening.id)!.content).toContain('Chaired by a member.');
    expect(posts.find((m) => m.id === firstRound.id)!.content).toContain('A member is chairing today');
    // The round keeps its buttons: only the name changed.
    expect(buttonId(posts.find((m) => m.id === firstRound.id)!, 'Check in')).toBeDefined();
  });

  it('GIVEN a member who volunteered to chair and rated with a comment WHEN they delete their data THEN the stored meeting record and chairing rotation no longer hold their id', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    const close = await goToRound(w, 5);
    await pressAndFill(w, w.memberId, close, '4', 'Sam liked the quiet pace');
    await volunteerToChair(w, w.memberId, close);
    expect(await storedRowsContaining(w, 'Sam liked the quiet pace')).not.toEqual([]);

    await deleteData(w, w.memberId);

    expect(JSON.stringify(await w.bot.services.meetings.current(w.guildId))).not.toContain(w.memberId);
    expect(await storedRowsContaining(w, w.memberId)).toEqual([]);
    expect(await storedRowsContaining(w, 'Sam liked the quiet pace')).toEqual([]);
  });

  it('GIVEN a member who offered on a request whose thread is archived and locked WHEN they delete their data THEN their offer post is gone and the thread is archived and locked again, under its own title', async () => {
    const w = await readyWorld();
    await ask(w, w.managerId, 'Maya is moving house');
    const post = await requestPost(w, 'Maya is moving house');
    await offer(w, w.memberId, requestIdOf(post), 'Sam can carry boxes');
    const thread = requestThreadId(w, post);
    await w.sandbox.waitForMessage(thread, (m) => m.content.includes('Sam can carry boxes'));
    w.sandbox.setThreadState(thread, { archived: true, locked: true });

    const { done } = await deleteData(w, w.memberId);

    expect(w.sandbox.messages(thread).filter((m) => m.content.includes('Sam can carry boxes') || m.content.includes(w.memberId))).toEqual([]);
    expect(threadState(w, thread)).toMatchObject({ archived: true, locked: true });
    expect(w.sandbox.threads(w.circleChannelId).find((t) => t.id === thread)!.name).toContain('Maya is moving house');
    expect(done.content).not.toContain("couldn't clean up");
  });

  it("GIVEN a member's own request whose thread is archived and locked WHEN they delete their data THEN the offers in it are gone, its title no longer shows their words, and it stays archived and locked", async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Sam is behind on rent');
    const post = await requestPost(w, 'Sam is behind on rent');
    await offer(w, w.managerId, requestIdOf(post), 'Maya knows a advice line');
    const thread = requestThreadId(w, post);
    await w.sandbox.waitForMessage(thread, (m) => m.content.includes('advice line'));
    w.sandbox.setThreadState(thread, { archived: true, locked: true });

    await deleteData(w, w.memberId);

    expect(w.sandbox.messages(thread)).toEqual([]);
    const closed = w.sandbox.threads(w.circleChannelId).find((t) => t.id === thread)!;
    expect(closed.name).toBe('Removed request');
    expect(closed.thread_metadata).toMatchObject({ archived: true, locked: true });
  });

  it('GIVEN a moderator who did everything a member can in and around a meeting WHEN they delete their data THEN no post, thread title or stored record anywhere names them or repeats their words', async () => {
    const w = await readyWorld();
    const omar = w.moderatorId;
    const words = [
      'Omar worries about the quiet flat',
      'Omar can drive to the clinic',
      'Omar arrives tired tonight',
      'Omar hopes for a calmer week',
      'Omar will phone on Tuesday',
      'Omar enjoyed the warm round',
    ];
    const [ownTopic, offerWords, checkIn, need, inMeetingOffer, comment] = words as [string, string, string, string, string, string];
    // Outside a meeting: his own request, whose thread a moderator then archived and locked, and an offer on Maya's.
    await ask(w, omar, ownTopic);
    const ownPost = await requestPost(w, ownTopic);
    await offer(w, w.memberId, requestIdOf(ownPost), 'Sam can keep you company');
    const ownThread = requestThreadId(w, ownPost);
    await w.sandbox.waitForMessage(ownThread, (m) => m.content.includes('keep you company'));
    w.sandbox.setThreadState(ownThread, { archived: true, locked: true });
    await ask(w, w.managerId, 'Maya needs a lift to the clinic');
    const mayasPost = await requestPost(w, 'Maya needs a lift to the clinic');
    await offer(w, omar, requestIdOf(mayasPost), offerWords);
    const mayasThread = requestThreadId(w, mayasPost);
    await w.sandbox.waitForMessage(mayasThread, (m) => m.content.includes(offerWords));
    w.sandbox.setThreadState(mayasThread, { archived: true, locked: true });

    // A meeting he starts and chairs, checks in to, raises a need in, offers in, rates and volunteers in.
    await meeting(w, omar, 'start', { format: 'short' });
    await pressAndFill(w, omar, await roundPost(w, 1), 'Check in', checkIn);
    const needs = await goToRound(w, 2);
    await pressAndFill(w, omar, needs, 'I need help', need);
    await pressAndFill(w, w.memberId, needs, 'I need help', 'Sam wants a walking buddy');
    const helping = await goToRound(w, 3);
    await offerInMeeting(w, omar, helping, 'Sam wants a walking buddy', inMeetingOffer);
    await offerInMeeting(w, w.managerId, helping, need, 'Maya can listen on Sunday');
    const close = await goToRound(w, 5);
    await pressAndFill(w, omar, close, '5', comment);
    await volunteerToChair(w, omar, close);
    await meeting(w, omar, 'end');
    const meetingThread = await meetingThreadId(w);
    await w.sandbox.waitForMessage(meetingThread, (m) => m.content.includes('The meeting has ended'));
    w.sandbox.setThreadState(meetingThread, { archived: true });
    const needles = [omar, ...words];
    expect(stillShowing(w, needles).length).toBeGreaterThan(0);

    const { done } = await deleteData(w, omar);

    expect(done.content).not.toContain("couldn't clean up");
    expect(stillShowing(w, needles)).toEqual([]);
    expect(threadState(w, mayasThread)).toMatchObject({ archived: true, locked: true });
    expect(threadState(w, ownThread)).toMatchObject({ archived: true, locked: true });
    expect(threadState(w, meetingThread)).toMatchObject({ archived: true, locked: false });
    // What others wrote stays: Sam's need in the meeting, and Maya's request.
    expect(w.sandbox.messages(meetingThread).some((m) => m.content.includes('Sam wants a walking buddy'))).toBe(true);
    expect(w.sandbox.messages(w.circleChannelId).some((m) => m.content.includes('Maya needs a lift to the clinic'))).toBe(true);
    for (const needle of needles) expect(await storedRowsContaining(w, needle)).toEqual([]);
    expect(w.sandbox.validationFailures).toEqual([]);
  });
});

describe('/privacy show, export and the delete question, with meetings', () => {
  /** Sam checks in with words, rates with a comment and volunteers to chair. */
  async function samInAMeeting(w: World) {
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    await pressAndFill(w, w.memberId, await roundPost(w, 1), 'Check in', 'Here and listening');
    const close = await goToRound(w, 5);
    await pressAndFill(w, w.memberId, close, '4', 'Good to be here');
    await volunteerToChair(w, w.memberId, close);
  }

  it('GIVEN a member who took part in a meeting and volunteered to chair THEN /privacy show says so in plain words', async () => {
    const w = await readyWorld();
    await samInAMeeting(w);
    const shown = (await privacy(w, w.memberId, 'show')).content;
    expect(shown).toMatch(/The last meeting\*\* \(<t:\d+:D>\): that you took part, your rating and its comment\./);
    expect(shown).toContain('1 check-in you shared** in a meeting thread');
    expect(shown).toContain("you'd like to chair a meeting sometime");
  });

  it('GIVEN a member who took part in a meeting and volunteered to chair THEN the export holds their part, their check-in post and their chairing choice', async () => {
    const w = await readyWorld();
    await samInAMeeting(w);
    const data = await exported(w, w.memberId);
    expect(data.meetings).toMatchObject([{ tookPart: true, rating: { score: 4, comment: 'Good to be here' }, chaired: false, startedIt: false }]);
    expect(data.meetingPosts).toMatchObject([{ channelId: await meetingThreadId(w), kind: 'check-in' }]);
    expect(data.chairRotation).toEqual({ optedIn: true, lastChairedAt: null });
  });

  it('GIVEN a member with requests, an offer, a meeting part and a chairing choice THEN the delete question lists each kind with its count, and what cannot be removed', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'First need');
    await ask(w, w.memberId, 'Second need');
    await ask(w, w.managerId, 'Maya asks');
    await offer(w, w.memberId, requestIdOf(await requestPost(w, 'Maya asks')), 'Sam offers');
    await samInAMeeting(w);

    const question = (await privacy(w, w.memberId, 'delete')).content;
    expect(question).toContain('• 2 help requests you made\n• 1 offer of help you made\n');
    // Two requests opened, one offer made, and two meeting actions (the check-in and the rating).
    expect(question).toContain('• 5 entries in the private tally of help you gave and received');
    expect(question).toContain('• Your part in the last meeting: that you took part, your rating and its comment');
    expect(question).toContain('• 1 check-in you shared in a meeting thread');
    expect(question).toContain('• Your choice about chairing meetings');
    expect(question).toContain('Your check-in posts are deleted from the meeting threads.');
    expect(question).toContain("the bot can't delete other people's messages");
    expect(question).toContain('copies Discord itself keeps');
    expect(question).not.toMatch(/ledger|recording/i);
  });

  it('GIVEN a member whose shared check-in is stored but not yet posted THEN show, export and the delete question include it, and deleting leaves no trace of its words', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    await roundPost(w, 1);
    // Stored as the check-in use case stores it, as if the bot stopped before posting it (the outbox).
    const record = (await w.bot.services.meetings.current(w.guildId))!;
    const words = 'Words still waiting for the thread';
    const checked = await w.bot.services.actions.checkIn(w.guildId, { meetingId: record.state.id, roundIndex: 0 }, w.memberId, words);
    expect(checked.ok && checked.value.pending?.words).toBe(words);

    expect((await privacy(w, w.memberId, 'show')).content).toMatch(
      /The last meeting\*\* \(<t:\d+:D>\): that you took part, the words of your check-in \(not yet posted in the thread\)\./,
    );
    const data = await exported(w, w.memberId);
    expect(data.meetings).toMatchObject([{ tookPart: true, checkInsNotYetPosted: [{ words, posted: false }] }]);
    expect(data.meetingPosts).toEqual([]);
    expect(JSON.stringify(await exported(w, w.moderatorId))).not.toContain(words);

    const { question, done } = await deleteData(w, w.memberId);
    expect(question.content).toContain('• Your part in the last meeting: that you took part, the words of your check-in (not yet posted in the thread)');
    expect(done.content).toContain('the words of your check-in (not yet posted in the thread)');
    expect((await w.bot.services.meetings.current(w.guildId))?.pendingCheckIns).toEqual([]);
    expect(await storedRowsContaining(w, words)).toEqual([]);
    expect(stillShowing(w, [words])).toEqual([]);
  });

  it('GIVEN a member whose only data is their chairing choice THEN /privacy delete offers to delete it rather than saying there is nothing', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    await volunteerToChair(w, w.memberId, await goToRound(w, 5));
    const question = await privacy(w, w.memberId, 'delete');
    expect(question.content).toContain('• Your choice about chairing meetings');
    const done = await (await w.sandbox.clickButton({ userId: w.memberId, message: question, customId: buttonId(question, 'Delete my data') })).reply();
    expect(done.content).toContain('Deleted. This is what was removed:\n• Your choice about chairing meetings');
    expect((await privacy(w, w.memberId, 'delete')).content).toContain('there is nothing to delete');
  });
});
