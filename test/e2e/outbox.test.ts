import { describe, expect, it } from 'vitest';
import { sendAlert } from '../../src/discord/crisis-care.ts';
import { postAddition } from '../../src/discord/help-posts.ts';
import { sendSharedCheckIn } from '../../src/discord/meeting-posts.ts';
import { UNDELIVERED_ALERT_MAX_AGE_MS } from '../../src/services/safety-service.ts';
import { ask, requestIdOf, requestPost, requestThreadId, setUpCircle } from './help-flow.ts';
import { meeting, meetingThreadId, roundPost } from './meeting-flow.ts';
import { movableClock, worldsClosedAfterEach, type World } from './world.ts';

const openWorld = worldsClosedAfterEach();

async function readyWorld(options: Parameters<typeof openWorld>[0] = {}): Promise<World> {
  const world = await openWorld(options);
  await setUpCircle(world, { 'moderator-role': world.moderatorRoleId });
  return world;
}

const containing = (w: World, channelId: string, words: string) => w.sandbox.messages(channelId).filter((m) => m.content.includes(words));

/** A meeting in its check-in round, and a member's check-in stored (as the use case does) but not posted. */
async function checkInStoredNotPosted(w: World, words: string) {
  await meeting(w, w.moderatorId, 'start', { format: 'short' });
  await roundPost(w, 1);
  const record = (await w.bot.services.meetings.current(w.guildId))!;
  const checked = await w.bot.services.actions.checkIn(w.guildId, { meetingId: record.state.id, roundIndex: 0 }, w.memberId, words);
  if (!checked.ok) throw new Error(checked.error.kind);
  if (!checked.value.pending) throw new Error('no pending check-in');
  return { record: checked.value.record, pending: checked.value.pending };
}

/** An anonymous request posted, and an addition to it stored (as the service does) but not posted. */
async function additionStoredNotPosted(w: World, words: string) {
  await ask(w, w.memberId, 'Struggling with grief', true);
  const post = await requestPost(w, 'Struggling with grief');
  const added = await w.bot.services.help.addToRequest(w.guildId, w.memberId, requestIdOf(post), words);
  if (!added.ok) throw new Error(added.error.kind);
  return { thread: requestThreadId(w, post), ...added.value };
}

async function alertRaisedNotDelivered(w: World) {
  return w.bot.services.safety.raise(w.guildId, {
    source: 'public-post',
    memberId: w.memberId,
    anonymous: false,
    what: 'request',
    link: `https://discord.com/channels/${w.guildId}/${w.circleChannelId}/1`,
    terms: ['want to die'],
  });
}

const alertPosts = (w: World) => containing(w, w.modChannelId, 'may need care');

describe('shared check-ins follow from what is stored', () => {
  it('GIVEN a shared check-in stored when the bot stopped before posting it WHEN the bot starts THEN it is posted once, and only its post is kept', async () => {
    const w = await readyWorld();
    await checkInStoredNotPosted(w, 'A calmer week than the last');
    await w.restart();
    const thread = await meetingThreadId(w);
    const post = await w.sandbox.waitForMessage(thread, (m) => m.content.includes('A calmer week than the last'));
    const record = (await w.bot.services.meetings.current(w.guildId))!;
    expect(record.sharedPosts).toContainEqual({ memberId: w.memberId, messageId: post.id });
    expect(record.pendingCheckIns ?? []).toEqual([]);
    expect(record.attendees).toContain(w.memberId);
    await w.restart();
    expect(containing(w, thread, 'A calmer week than the last')).toHaveLength(1);
  });

  it('GIVEN a shared check-in posted but not yet recorded as posted when the bot stopped WHEN the bot starts THEN no second post appears', async () => {
    const w = await readyWorld();
    const { record, pending } = await checkInStoredNotPosted(w, 'Posted right before the stop');
    // As a crash right after Discord took the post, before the bot recorded it.
    await sendSharedCheckIn(w.bot.client, record, pending);
    await w.restart();
    const thread = await meetingThreadId(w);
    const posts = containing(w, thread, 'Posted right before the stop');
    expect(posts).toHaveLength(1);
    const stored = (await w.bot.services.meetings.current(w.guildId))!;
    expect(stored.sharedPosts).toEqual([{ memberId: w.memberId, messageId: posts[0]!.id }]);
    expect(stored.pendingCheckIns ?? []).toEqual([]);
  });
});

describe("an anonymous asker's additions follow from what is stored", () => {
  it('GIVEN an addition stored when the bot stopped before posting it WHEN the bot starts THEN it is posted once in the thread, and its words are no longer stored', async () => {
    const w = await readyWorld();
    const { thread, request, additionId } = await additionStoredNotPosted(w, 'It has been a year now');
    await w.restart();
    const post = await w.sandbox.waitForMessage(thread, (m) => m.content.includes('It has been a year now'));
    const stored = await w.bot.services.help.request(w.guildId, request.id);
    expect(stored?.additions?.find((addition) => addition.id === additionId)).toEqual({ id: additionId, at: expect.any(String), messageId: post.id });
    await w.restart();
    expect(containing(w, thread, 'It has been a year now')).toHaveLength(1);
  });

  it('GIVEN an addition posted but not yet recorded as posted when the bot stopped WHEN the bot starts THEN no second post appears', async () => {
    const w = await readyWorld();
    const { thread, request, additionId } = await additionStoredNotPosted(w, 'Posted just before the stop');
    // As a crash right after Discord took the post, before the bot recorded it.
    await postAddition(w.bot.client, request, { id: additionId, words: 'Posted just before the stop' });
    await w.restart();
    const posts = containing(w, thread, 'Posted just before the stop');
    expect(posts).toHaveLength(1);
    const stored = await w.bot.services.help.request(w.guildId, request.id);
    expect(stored?.additions?.find((addition) => addition.id === additionId)?.messageId).toBe(posts[0]!.id);
  });
});

describe('crisis alerts follow from what is stored', () => {
  it('GIVEN an alert raised when the bot stopped before delivering it WHEN the bot starts THEN the moderators get it once', async () => {
    const w = await readyWorld();
    const alert = await alertRaisedNotDelivered(w);
    await w.restart();
    const post = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('may need care'));
    expect((await w.bot.services.safety.alert(w.guildId, alert.id))?.messageId).toBe(post.id);
    await w.restart();
    expect(alertPosts(w)).toHaveLength(1);
  });

  it('GIVEN an alert delivered but not yet recorded as delivered when the bot stopped WHEN the bot starts THEN no second alert appears', async () => {
    const w = await readyWorld();
    const alert = await alertRaisedNotDelivered(w);
    // As a crash right after Discord took the alert, before the bot recorded it.
    await sendAlert(w.bot.client, alert, await w.bot.services.safety.settings(w.guildId));
    await w.restart();
    expect(alertPosts(w)).toHaveLength(1);
    expect((await w.bot.services.safety.alert(w.guildId, alert.id))?.messageId).toBe(alertPosts(w)[0]!.id);
  });

  it('GIVEN an alert raised but not delivered longer ago than the limit WHEN the bot starts THEN it is not delivered (it is stale)', async () => {
    const clock = movableClock();
    const w = await readyWorld({ now: clock.now });
    const alert = await alertRaisedNotDelivered(w);
    clock.jumpTo(new Date(Date.now() + UNDELIVERED_ALERT_MAX_AGE_MS + 60_000));
    await w.restart();
    expect(alertPosts(w)).toHaveLength(0);
    expect((await w.bot.services.safety.alert(w.guildId, alert.id))?.messageId).toBeNull();
  });
});

describe('words that call for care, posted by the outbox at start-up', () => {
  const linkTo = (w: World, channelId: string, messageId: string) => `https://discord.com/channels/${w.guildId}/${channelId}/${messageId}`;

  it('GIVEN a shared check-in with crisis words stored when the bot stopped before posting it WHEN the bot starts THEN the moderators get one alert linking to the post', async () => {
    const w = await readyWorld();
    await checkInStoredNotPosted(w, 'Honestly I want to die some days');
    await w.restart();
    const thread = await meetingThreadId(w);
    const post = await w.sandbox.waitForMessage(thread, (m) => m.content.includes('I want to die some days'));
    const alert = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('may need care'));
    expect(alert.content).toContain(linkTo(w, thread, post.id));
    await w.restart();
    expect(alertPosts(w)).toHaveLength(1);
  });

  it("GIVEN an anonymous asker's addition with crisis words stored when the bot stopped WHEN the bot starts THEN the moderators get one alert that does not name the asker", async () => {
    const w = await readyWorld();
    const { thread } = await additionStoredNotPosted(w, "I can't go on like this");
    await w.restart();
    const post = await w.sandbox.waitForMessage(thread, (m) => m.content.includes("I can't go on like this"));
    const alert = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('may need care'));
    expect(alert.content).toContain(linkTo(w, thread, post.id));
    expect(alert.content).not.toContain(w.memberId);
    await w.restart();
    expect(alertPosts(w)).toHaveLength(1);
  });

  it('GIVEN a request with crisis words stored when the bot stopped before posting it WHEN the bot starts THEN the moderators get one alert linking to it', async () => {
    const w = await readyWorld();
    const asked = await w.bot.services.help.ask(w.guildId, w.memberId, 'I keep thinking about ending my life', false);
    if (!asked.ok) throw new Error(asked.error.kind);
    await w.restart();
    const post = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('ending my life'));
    const alert = await w.sandbox.waitForMessage(w.modChannelId, (m) => m.content.includes('may need care'));
    expect(alert.content).toContain(linkTo(w, w.circleChannelId, post.id));
    await w.restart();
    expect(alertPosts(w)).toHaveLength(1);
  });
});
