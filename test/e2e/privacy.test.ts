import { describe, expect, it, vi } from 'vitest';
import type { ReplyMessage } from '../../src/sandbox/interactions.ts';
import { ask, buttonId, offer, requestIdOf, requestPost, requestThreadId, setUpCircle, stats } from './help-flow.ts';
import { worldsClosedAfterEach, type World, type WorldOptions } from './world.ts';

const openWorld = worldsClosedAfterEach();

async function readyWorld(options: WorldOptions = {}): Promise<World> {
  const world = await openWorld(options);
  await setUpCircle(world);
  return world;
}

async function privacy(w: World, userId: string, subcommand: 'show' | 'pause' | 'resume' | 'export' | 'delete'): Promise<ReplyMessage> {
  const handle = await w.sandbox.slashCommand({ guildId: w.guildId, channelId: w.circleChannelId, userId, name: 'privacy', subcommand });
  return handle.reply();
}

async function askAndGetId(w: World, userId: string, topic: string, anonymous = false): Promise<string> {
  await ask(w, userId, topic, anonymous);
  return requestIdOf(await requestPost(w, topic));
}

interface Exported {
  memberId: string;
  exportedAt: string;
  preferences: unknown;
  requests: Array<{ id: string; topic: string; anonymous: boolean; offers: Array<{ giverId: string }> }>;
  offersMade: Array<{ requestId: string; requestTopic: string; askedBy: string }>;
  ledgerEvents: Array<{ kind: string; requestId: string; giverId?: string; receiverId?: string; memberId?: string }>;
}

async function exportOf(w: World, userId: string): Promise<{ answer: ReplyMessage; data: Exported; raw: string }> {
  const answer = await privacy(w, userId, 'export');
  const file = answer.attachments.find((attachment) => attachment.filename === 'helper-circle-my-data.json');
  if (!file) throw new Error('no export file attached');
  const raw = w.sandbox.attachmentData(file.id)!.toString('utf8');
  return { answer, data: JSON.parse(raw) as Exported, raw };
}

type Embed = { fields?: Array<{ name: string; value: string }> };
const weekCounts = async (w: World, userId: string) =>
  ((await stats(w, userId)).embeds?.[0] as Embed | undefined)?.fields?.find((field) => field.name === 'This week')?.value;

/** Asks for deletion and returns the ephemeral question with its buttons. */
async function askToDelete(w: World, userId: string): Promise<ReplyMessage> {
  const question = await privacy(w, userId, 'delete');
  expect(question.ephemeral).toBe(true);
  return question;
}

describe('/privacy show', () => {
  it('GIVEN a member who asked (once anonymously) and offered THEN show tells them in plain words what is kept', async () => {
    const w = await readyWorld();
    const omarsRequest = await askAndGetId(w, w.moderatorId, 'Omar needs a hand');
    await ask(w, w.memberId, 'Named request');
    await ask(w, w.memberId, 'Quiet request', true);
    await offer(w, w.memberId, omarsRequest, 'I can help');

    const answer = await privacy(w, w.memberId, 'show');
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain('Help requests you made: 2** (2 open, 0 closed; 1 without your name)');
    expect(answer.content).toContain('Offers of help you made: 1**');
    // Two requests opened and one offer made.
    expect(answer.content).toContain('Entries in the private tally of help you gave and received: 3**');
    expect(answer.content).toContain('Counting your help is on');
    expect(answer.content).toContain('deleted after 180 days');
  });

  it('GIVEN a member who never used the bot THEN show says nothing is kept', async () => {
    const w = await readyWorld();
    const answer = await privacy(w, w.memberId, 'show');
    expect(answer.content).toContain('keeps nothing about you');
    expect(answer.content).toContain('Counting your help is on');
  });
});

describe('/privacy pause and resume', () => {
  it('GIVEN counting paused THEN an offer is not counted in /stats, and after resume the next one is', async () => {
    const w = await readyWorld();
    const first = await askAndGetId(w, w.moderatorId, 'First need');
    const second = await askAndGetId(w, w.managerId, 'Second need');

    expect((await privacy(w, w.memberId, 'pause')).content).toContain('Counting your help is paused');
    await offer(w, w.memberId, first, 'While paused');
    expect(await weekCounts(w, w.memberId)).toContain('Help given: 0');
    expect((await privacy(w, w.memberId, 'show')).content).toContain('Counting your help is paused');

    expect((await privacy(w, w.memberId, 'resume')).content).toContain('Counting your help is on again');
    await offer(w, w.memberId, second, 'After resuming');
    expect(await weekCounts(w, w.memberId)).toContain('Help given: 1');
  });
});

describe('/privacy export', () => {
  it('GIVEN requests (one anonymous) and an offer THEN export attaches a JSON file with them and the ledger events naming the member', async () => {
    const w = await readyWorld();
    const named = await askAndGetId(w, w.memberId, 'My named request');
    const anonymous = await askAndGetId(w, w.memberId, 'My anonymous request', true);
    await offer(w, w.moderatorId, anonymous, 'Here for you');

    const { answer, data } = await exportOf(w, w.memberId);
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain('as a JSON file');
    expect(w.sandbox.validationFailures).toEqual([]);
    expect(data.memberId).toBe(w.memberId);
    expect(data.requests.map((request) => [request.id, request.topic, request.anonymous])).toEqual([
      [named, 'My named request', false],
      [anonymous, 'My anonymous request', true],
    ]);
    expect(data.requests[1]!.offers.map((o) => o.giverId)).toEqual([w.moderatorId]);
    expect(data.ledgerEvents.map((event) => [event.kind, event.requestId])).toEqual([
      ['request-opened', named],
      ['request-opened', anonymous],
      ['offer-made', anonymous],
    ]);
  });

  it('GIVEN a member who offered on an anonymous request THEN their export never names the asker', async () => {
    const w = await readyWorld();
    const requestId = await askAndGetId(w, w.moderatorId, 'Please do not name me', true);
    await offer(w, w.memberId, requestId, 'I can help');

    const { data, raw } = await exportOf(w, w.memberId);
    expect(data.offersMade).toMatchObject([{ requestId, requestTopic: 'Please do not name me', askedBy: 'anonymous' }]);
    expect(data.ledgerEvents).toMatchObject([{ kind: 'offer-made', giverId: w.memberId, receiverId: 'anonymous' }]);
    expect(raw).not.toContain(w.moderatorId);
  });
});

describe('/privacy delete', () => {
  it('GIVEN data WHEN the member confirms THEN the answer lists what was removed and a new export is empty', async () => {
    const w = await readyWorld();
    const omarsRequest = await askAndGetId(w, w.moderatorId, 'Omar needs a hand');
    await askAndGetId(w, w.memberId, 'Sam named', false);
    await askAndGetId(w, w.memberId, 'Sam anonymous', true);
    await offer(w, w.memberId, omarsRequest, 'Happy to');
    await privacy(w, w.memberId, 'pause');

    const before = await exportOf(w, w.memberId);
    expect(before.data.requests).toHaveLength(2);
    expect(before.data.offersMade).toHaveLength(1);
    expect(before.data.ledgerEvents).toHaveLength(3);

    const question = await askToDelete(w, w.memberId);
    expect(question.content).toContain("This can't be undone");
    const confirm = await w.sandbox.clickButton({ userId: w.memberId, message: question, customId: buttonId(question, 'Delete my data') });
    const done = await confirm.reply();
    expect(done.content).toContain('Deleted. This is what was removed:');
    expect(done.content).toContain(
      '• 2 help requests you made\n• 1 offer of help you made\n• 3 entries in the private tally of help you gave and received\n• Your settings (whether your help is counted, paused invitations)',
    );
    expect(done.components).toEqual([]);

    const after = await exportOf(w, w.memberId);
    expect(after.data).toMatchObject({ preferences: null, requests: [], offersMade: [], ledgerEvents: [] });
    expect((await privacy(w, w.memberId, 'show')).content).toContain('keeps nothing about you');
  });

  it('GIVEN a deleted request THEN its post says it was removed, without the topic, the name or buttons, and the offer posts are gone', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Something private');
    const post = await requestPost(w, 'Something private');
    await offer(w, w.moderatorId, requestIdOf(post), 'I can listen');
    const thread = requestThreadId(w, post);
    await w.sandbox.waitForMessage(thread, (m) => m.content.includes('I can listen'));

    const question = await askToDelete(w, w.memberId);
    const done = await (await w.sandbox.clickButton({ userId: w.memberId, message: question, customId: buttonId(question, 'Delete my data') })).reply();
    expect(done.content).toContain('2 posts in Discord were deleted or edited so they no longer show your words or name.');
    expect(done.content).not.toContain("couldn't clean up");

    const removed = w.sandbox.messages(w.circleChannelId).find((m) => m.id === post.id)!;
    expect(removed.content).toContain('This request was removed');
    expect(removed.content).not.toContain('Something private');
    expect(removed.content).not.toContain(w.memberId);
    expect(removed.components).toEqual([]);
    expect(w.sandbox.messages(thread).filter((m) => m.content.includes('offers help'))).toEqual([]);
    const closedThread = w.sandbox.threads(w.circleChannelId).find((channel) => channel.id === thread)!;
    expect(closedThread.name).toBe('Removed request');
    expect(closedThread.thread_metadata).toMatchObject({ archived: true, locked: true });
    expect(w.sandbox.validationFailures).toEqual([]);
  });

  it('GIVEN Discord keeps refusing to delete an offer post WHEN the member deletes their data THEN the answer says one post could not be cleaned up, and the data is gone', async () => {
    const w = await readyWorld();
    const mayasRequest = await askAndGetId(w, w.managerId, 'Maya needs a ladder');
    await offer(w, w.memberId, mayasRequest, 'Sam has a ladder');
    const thread = requestThreadId(w, await requestPost(w, 'Maya needs a ladder'));
    const offerPost = await w.sandbox.waitForMessage(thread, (m) => m.content.includes('Sam has a ladder'));
    w.sandbox.failNext({ route: `DELETE /channels/${thread}/messages/${offerPost.id}`, status: 500, times: 10 });

    const question = await askToDelete(w, w.memberId);
    const done = await (await w.sandbox.clickButton({ userId: w.memberId, message: question, customId: buttonId(question, 'Delete my data') })).reply();

    expect(done.content).toContain("I couldn't clean up 1 post or thread title in Discord, so it may still show there");
    expect(done.content).not.toContain('were deleted or edited');
    expect((await exportOf(w, w.memberId)).data.offersMade).toEqual([]);
  });

  it("GIVEN someone else clicks the member's confirm button THEN nothing is deleted and they are told why", async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Keep this');
    const question = await askToDelete(w, w.memberId);
    const click = await w.sandbox.clickButton({ userId: w.moderatorId, message: question, customId: buttonId(question, 'Delete my data') });
    expect((await click.reply()).content).toBe("This button belongs to someone else's request to delete their data, so nothing was changed.");
    expect((await exportOf(w, w.memberId)).data.requests).toHaveLength(1);
  });

  it('GIVEN the member presses "Keep my data" THEN nothing is deleted', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Keep this too');
    const question = await askToDelete(w, w.memberId);
    const kept = await (await w.sandbox.clickButton({ userId: w.memberId, message: question, customId: buttonId(question, 'Keep my data') })).reply();
    expect(kept.content).toBe('Nothing was deleted. Your data stays as it was.');
    expect((await exportOf(w, w.memberId)).data.requests).toHaveLength(1);
  });

  it('GIVEN a confirm button older than ten minutes THEN it is refused as expired and nothing is deleted', async () => {
    let now = new Date('2026-03-02T12:00:00Z');
    const w = await readyWorld({ now: () => now });
    await ask(w, w.memberId, 'Still mine');
    const question = await askToDelete(w, w.memberId);
    now = new Date(now.getTime() + 11 * 60_000);
    const click = await w.sandbox.clickButton({ userId: w.memberId, message: question, customId: buttonId(question, 'Delete my data') });
    expect((await click.reply()).content).toContain('This confirmation has expired, so nothing was deleted');
    expect((await exportOf(w, w.memberId)).data.requests).toHaveLength(1);
  });

  it('GIVEN another member offered on a deleted request and on a kept one THEN their stats and export still work and show only the kept one', async () => {
    const w = await readyWorld();
    const samsRequest = await askAndGetId(w, w.memberId, 'Sam will leave');
    const mayasRequest = await askAndGetId(w, w.managerId, 'Maya stays');
    await offer(w, w.moderatorId, samsRequest, 'For Sam');
    await offer(w, w.moderatorId, mayasRequest, 'For Maya');
    expect(await weekCounts(w, w.moderatorId)).toContain('Help given: 2');

    const question = await askToDelete(w, w.memberId);
    await (await w.sandbox.clickButton({ userId: w.memberId, message: question, customId: buttonId(question, 'Delete my data') })).reply();

    expect(await weekCounts(w, w.moderatorId)).toContain('Help given: 1');
    const { data, raw } = await exportOf(w, w.moderatorId);
    expect(data.offersMade.map((made) => made.requestTopic)).toEqual(['Maya stays']);
    expect(raw).not.toContain(w.memberId);
    // The kept request still takes offers, and Sam's removed one is gone for good.
    expect((await offer(w, w.memberId, mayasRequest, 'Back again')).content).toContain('your offer is in');
    expect((await offer(w, w.managerId, samsRequest)).content).toContain("can't find that request");
  });
});

describe('retention', () => {
  it('GIVEN the bot was down past the retention period WHEN it starts again THEN old ledger days and closed requests are purged at once', async () => {
    let now = new Date('2026-01-05T12:00:00Z');
    const w = await readyWorld({ now: () => now });
    const old = await askAndGetId(w, w.memberId, 'Long ago');
    const post = await requestPost(w, 'Long ago');
    await (await w.sandbox.clickButton({ userId: w.memberId, message: post, customId: buttonId(post, 'Close request') })).reply();
    now = new Date(now.getTime() + 150 * 86_400_000);
    const recent = await askAndGetId(w, w.memberId, 'Recently');
    expect((await exportOf(w, w.memberId)).data.ledgerEvents).toHaveLength(3);

    now = new Date(now.getTime() + 50 * 86_400_000);
    await w.restart();
    // The start-up purge runs in the background: wait until both the ledger and the requests are done.
    await vi.waitFor(async () => {
      const { data: current } = await exportOf(w, w.memberId);
      expect(current.ledgerEvents).toHaveLength(1);
      expect(current.requests).toHaveLength(1);
    });
    const { data } = await exportOf(w, w.memberId);
    expect(data.requests.map((request) => request.id)).toEqual([recent]);
    expect(data.ledgerEvents).toMatchObject([{ kind: 'request-opened', requestId: recent }]);
    expect(data.requests.map((request) => request.id)).not.toContain(old);
  });
});
