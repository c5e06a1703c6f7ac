import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/sqlite-store.ts';
import { GuildWriteQueue } from '../../src/store/guild-write-queue.ts';
import { MeetingStore } from '../../src/store/meeting-store.ts';
import type { SandboxMessage } from '../../src/sandbox/types.ts';
import { buttonId, setUpCircle } from './help-flow.ts';
import { meeting, meetingThreadId, pressAndFill, roundPost } from './meeting-flow.ts';
import { worldsClosedAfterEach, type World } from './world.ts';

/**
 * Rating comments reach the circle's moderators without names, once, with the summary, only when at
 * least three members rated; the form says so; and nothing in a summary points at one person.
 */
const openWorld = worldsClosedAfterEach();

async function readyWorld(withModChannel = true): Promise<World> {
  const world = await openWorld();
  if (withModChannel) await setUpCircle(world, { 'moderator-role': world.moderatorRoleId });
  else {
    const handle = await world.sandbox.slashCommand({
      guildId: world.guildId,
      channelId: world.circleChannelId,
      userId: world.managerId,
      name: 'circle',
      subcommand: 'setup',
      options: { channel: world.circleChannelId, 'moderator-role': world.moderatorRoleId, timezone: 'Europe/London' },
    });
    await handle.reply();
  }
  return world;
}

/** Starts a short meeting and moves on to its last round, where members rate it. */
async function closingRound(w: World): Promise<SandboxMessage> {
  await meeting(w, w.moderatorId, 'start', { format: 'short' });
  for (let round = 1; round < 5; round += 1) await meeting(w, w.moderatorId, 'next');
  return roundPost(w, 5);
}

async function endAndGetSummary(w: World): Promise<SandboxMessage> {
  await meeting(w, w.moderatorId, 'next');
  return w.sandbox.waitForMessage(await meetingThreadId(w), (m) => m.content.includes('The meeting has ended'));
}

const modPosts = (w: World) => w.sandbox.messages(w.modChannelId).filter((m) => m.content.includes('Rating comments from'));

/** The comment field of the form a rating button opens. */
async function ratingForm(w: World, close: SandboxMessage): Promise<{ label: string; placeholder: string }> {
  const click = await w.sandbox.clickButton({ userId: w.memberId, message: close, customId: buttonId(close, '4') });
  const modal = (await click.modal()) as { components: Array<{ components: Array<{ label: string; placeholder: string }> }> };
  return modal.components[0]!.components[0]!;
}

describe('the rating form says truthfully who sees a comment', () => {
  it("GIVEN a circle with a moderators' channel THEN the form says the moderators see it without a name, when at least 3 people rate", async () => {
    const w = await readyWorld();
    const form = await ratingForm(w, await closingRound(w));
    expect(form).toMatchObject({
      label: 'A comment for the moderators? (optional)',
      placeholder: "Shared with the circle's moderators without your name, when at least 3 people rate.",
    });
  });

  it("GIVEN a circle without a moderators' channel THEN the form says a comment is not kept, and none is kept", async () => {
    const w = await readyWorld(false);
    const close = await closingRound(w);
    expect((await ratingForm(w, close)).placeholder).toBe("This circle has no moderators' channel, so comments aren't kept or shown to anyone.");
    await pressAndFill(w, w.memberId, close, '4', 'Lovely evening');
    expect((await w.bot.services.meetings.current(w.guildId))?.ratings).toEqual([{ memberId: w.memberId, score: 4, comment: null }]);
  });
});

describe('comments reach the moderators without names, with the summary, once', () => {
  it("GIVEN three members rate with comments THEN the moderators' channel gets the summary and the comments in alphabetical order, naming nobody", async () => {
    const w = await readyWorld();
    const close = await closingRound(w);
    await pressAndFill(w, w.memberId, close, '5', 'Warm and calm');
    await pressAndFill(w, w.managerId, close, '3', 'a bit long for me');
    await pressAndFill(w, w.moderatorId, close, '4', 'More time for needs\nplease');
    const summary = await endAndGetSummary(w);

    const [post, ...more] = modPosts(w);
    expect(more).toHaveLength(0);
    expect(post!.content).toContain('Average rating: 4 out of 5, from 3 ratings.');
    const quoted = post!.content.split('\n').filter((line) => line.startsWith('> '));
    expect(quoted).toEqual(['> a bit long for me', '> More time for needs', '> please', '> Warm and calm']);
    expect(post!.allowed_mentions).toMatchObject({ parse: [] });
    for (const id of [w.memberId, w.managerId, w.moderatorId]) expect(post!.content).not.toContain(id);
    for (const name of ['sam', 'maya', 'omar']) expect(post!.content.toLowerCase()).not.toContain(name);
    expect(summary.content).toContain("Written comments from the ratings went to the circle's moderators, without names.");
    expect(summary.content).not.toContain('Warm and calm');
  });

  it("GIVEN the comments were posted THEN they are no longer stored beside anyone's id, and the scores stay", async () => {
    const w = await readyWorld();
    const close = await closingRound(w);
    for (const [member, score] of [
      [w.memberId, '5'],
      [w.managerId, '3'],
      [w.moderatorId, '4'],
    ] as const)
      await pressAndFill(w, member, close, score, `Thanks from ${score}`);
    await endAndGetSummary(w);
    const record = await w.bot.services.meetings.current(w.guildId);
    expect([record?.moderatorComments, record?.ratings.map((rating) => rating.comment), record?.ratings.map((rating) => rating.score)]).toEqual([
      'posted',
      [null, null, null],
      [5, 3, 4],
    ]);
  });

  it('GIVEN only two members rate with comments THEN no comment is shown to anyone and the summary gives no average', async () => {
    const w = await readyWorld();
    const close = await closingRound(w);
    await pressAndFill(w, w.memberId, close, '5', 'Warm and calm');
    await pressAndFill(w, w.managerId, close, '2', 'Too long');
    const summary = await endAndGetSummary(w);
    expect(summary.content).toContain("Thank you for rating the meeting. An average is shown from 3 ratings up, so no one's rating stands out.");
    expect(summary.content).not.toMatch(/Average rating|went to the circle's moderators/);
    // The comments are settled before the summary is posted: the decision is already stored.
    expect((await w.bot.services.meetings.current(w.guildId))?.moderatorComments).toBe('not-shown');
    expect(modPosts(w)).toHaveLength(0);
    expect((await w.bot.services.meetings.current(w.guildId))?.ratings.map((rating) => rating.comment)).toEqual([null, null]);
  });

  it('GIVEN a withheld comment among three THEN it is never forwarded, and the others are', async () => {
    const w = await readyWorld();
    const close = await closingRound(w);
    const record = (await w.bot.services.meetings.current(w.guildId))!;
    const rated = await w.bot.services.meetings.rate(w.guildId, record.state.id, 4, {
      memberId: w.memberId,
      score: 2,
      comment: 'Something only for me',
      withheld: true,
    });
    expect(rated.ok).toBe(true);
    await pressAndFill(w, w.managerId, close, '4', 'Good pace');
    await pressAndFill(w, w.moderatorId, close, '4', '');
    await endAndGetSummary(w);
    const [post] = modPosts(w);
    expect([post?.content.includes('> Good pace'), post?.content.includes('Something only for me')]).toEqual([true, false]);
  });

  it('GIVEN a crash right after the comments were posted but before that was stored THEN the restart does not post them twice', async () => {
    const w = await readyWorld();
    const close = await closingRound(w);
    for (const [member, score] of [
      [w.memberId, '5'],
      [w.managerId, '3'],
      [w.moderatorId, '4'],
    ] as const)
      await pressAndFill(w, member, close, score, `Comment ${score}`);
    const before = (await w.bot.services.meetings.current(w.guildId))!;
    await endAndGetSummary(w);
    expect(modPosts(w)).toHaveLength(1);

    await w.restart(async () => {
      // What a crash between Discord's answer and our write leaves behind: comments posted, not yet settled, no summary.
      const store = await openStore(w.storeUrl);
      const meetings = new MeetingStore(store);
      const ended = (await meetings.get(w.guildId))!;
      const { moderatorComments: _settled, ...unsettled } = ended;
      await new GuildWriteQueue().run(w.guildId, (tx) => meetings.put(tx, { ...unsettled, ratings: before.ratings, summaryMessageId: null }));
      await store.close();
    });
    await expect.poll(async () => (await w.bot.services.meetings.current(w.guildId))?.moderatorComments, { timeout: 5_000 }).toBe('posted');
    expect(modPosts(w)).toHaveLength(1);
  });
});
