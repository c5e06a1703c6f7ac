import { describe, expect, it } from 'vitest';
import { ask, buttonId, offer, offerChoices, requestIdOf, requestPost, requestThreadId, setUpCircle, stats } from './help-flow.ts';
import { worldsClosedAfterEach, type World } from './world.ts';

const openWorld = worldsClosedAfterEach();

async function readyWorld(): Promise<World> {
  const world = await openWorld();
  await setUpCircle(world);
  return world;
}

describe('asking for help', () => {
  it('GIVEN a set-up circle WHEN a member asks THEN the request is posted with "I can help" and a thread, and the asker is thanked privately', async () => {
    const w = await readyWorld();
    const answer = await ask(w, w.memberId, 'Sleeping badly before exams');
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain('Asking is a contribution');
    const post = await requestPost(w, 'Sleeping badly before exams');
    expect(post.content).toContain(`<@${w.memberId}> is asking for help`);
    expect(buttonId(post, 'I can help')).toMatch(/^help-offer:/);
    expect(requestThreadId(w, post)).toBe(post.id);
  });

  it('GIVEN others have open requests WHEN a member asks THEN they are invited, not obliged, to help with up to three', async () => {
    const w = await readyWorld();
    for (const topic of ['Topic one', 'Topic two', 'Topic three', 'Topic four']) await ask(w, w.moderatorId, topic);
    const answer = await ask(w, w.memberId, 'My own need');
    expect(answer.content).toContain('If you need help, help others');
    expect(answer.content).toContain('No pressure');
    const labels = (answer.components as Array<{ components: Array<{ label: string }> }>)[0]!.components.map((button) => button.label);
    expect(labels).toEqual(['Topic four', 'Topic three', 'Topic two']);
  });

  it('GIVEN no circle set-up WHEN a member asks THEN they are told plainly what is missing', async () => {
    const world = await openWorld();
    const answer = await ask(world, world.memberId, 'Anything');
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toMatch(/isn't set up in this server yet/);
  });

  it('GIVEN a topic with @everyone and a role mention THEN the post pings nobody', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, `@everyone <@&${w.moderatorRoleId}> please read`);
    const posts = w.sandbox.requests.filter((request) => request.route === 'POST /channels/:id/messages');
    expect(posts.length).toBeGreaterThan(0);
    for (const post of posts) expect((post.body as { allowed_mentions?: unknown }).allowed_mentions).toMatchObject({ parse: [] });
  });
});

describe('offering help', () => {
  it('GIVEN an open request WHEN another member offers with /offer THEN the offer appears in the thread and pings only the asker', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Feeling isolated');
    const post = await requestPost(w, 'Feeling isolated');
    const answer = await offer(w, w.moderatorId, requestIdOf(post), 'Happy to chat after work');
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain('your offer is in');
    const shown = await w.sandbox.waitForMessage(requestThreadId(w, post), (m) => m.content.includes('offers help'));
    expect(shown.content).toContain('Happy to chat after work');
    expect(shown.allowed_mentions).toMatchObject({ parse: [], users: [w.memberId] });
  });

  it('GIVEN the "I can help" button WHEN a member fills in the modal THEN the offer appears in the thread', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Money worries');
    const post = await requestPost(w, 'Money worries');
    const click = await w.sandbox.clickButton({ userId: w.moderatorId, message: post, customId: buttonId(post, 'I can help') });
    const modal = await click.modal();
    expect(modal.title).toBe('Offer help');
    const submitted = await w.sandbox.submitModal({
      userId: w.moderatorId,
      guildId: w.guildId,
      channelId: w.circleChannelId,
      customId: modal.custom_id,
      fields: { message: 'I made a budget that helped me' },
    });
    expect((await submitted.reply()).content).toContain('your offer is in');
    const shown = await w.sandbox.waitForMessage(requestThreadId(w, post), (m) => m.content.includes('I made a budget'));
    expect(shown.content).toContain(`<@${w.moderatorId}> offers help`);
  });

  it('GIVEN an offer WHEN the asker presses "This helped" and then closes THEN both show and the request takes no more offers', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Job interview nerves');
    const post = await requestPost(w, 'Job interview nerves');
    const requestId = requestIdOf(post);
    await offer(w, w.moderatorId, requestId, 'Practise with me');
    const thread = requestThreadId(w, post);
    const offerPost = await w.sandbox.waitForMessage(thread, (m) => m.content.includes('Practise with me'));

    const notAsker = await w.sandbox.clickButton({ userId: w.managerId, message: offerPost, customId: buttonId(offerPost, 'This helped') });
    expect((await notAsker.reply()).content).toBe('Only the person who asked can mark an offer as helpful.');

    const helped = await w.sandbox.clickButton({ userId: w.memberId, message: offerPost, customId: buttonId(offerPost, 'This helped') });
    expect((await helped.reply()).content).toContain('Marked as helpful');
    expect(w.sandbox.messages(thread).find((m) => m.id === offerPost.id)?.content).toContain('This helped, said the person who asked.');

    const close = await w.sandbox.clickButton({ userId: w.memberId, message: post, customId: buttonId(post, 'Close request') });
    expect((await close.reply()).content).toContain('Your request is closed');
    const closedPost = w.sandbox.messages(w.circleChannelId).find((m) => m.id === post.id)!;
    expect(closedPost.content).toContain('Closed by the person who asked');
    expect(closedPost.components).toEqual([]);

    const late = await offer(w, w.managerId, requestId, 'Me too');
    expect(late.content).toContain('has been closed');
  });

  it('GIVEN a member offers on their own request THEN they are told why not, and nothing is recorded', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Own request');
    const post = await requestPost(w, 'Own request');
    const answer = await offer(w, w.memberId, requestIdOf(post));
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain("That's your own request");
    expect((await stats(w, w.memberId)).embeds?.[0]?.fields?.[0]?.value).toContain('Help given: 0');
  });

  it('GIVEN someone else presses Close request THEN the request stays open', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Stay open', true);
    const post = await requestPost(w, 'Stay open');
    const close = await w.sandbox.clickButton({ userId: w.moderatorId, message: post, customId: buttonId(post, 'Close request') });
    expect((await close.reply()).content).toBe('Only the person who asked can close this request.');
    expect(w.sandbox.messages(w.circleChannelId).find((m) => m.id === post.id)?.components).not.toEqual([]);
  });

  it('GIVEN an unknown request id THEN /offer says it cannot find it', async () => {
    const w = await readyWorld();
    expect((await offer(w, w.memberId, 'no-such-request')).content).toContain("can't find that request");
  });

  it('GIVEN open and closed requests THEN autocomplete lists open ones from others, newest first', async () => {
    const w = await readyWorld();
    await ask(w, w.moderatorId, 'Older request');
    await ask(w, w.moderatorId, 'Newer request');
    await ask(w, w.memberId, 'Mine');
    await ask(w, w.managerId, 'Closed one');
    const closedPost = await requestPost(w, 'Closed one');
    await (await w.sandbox.clickButton({ userId: w.managerId, message: closedPost, customId: buttonId(closedPost, 'Close request') })).reply();
    const choices = await offerChoices(w, w.memberId);
    expect(choices.map((choice) => choice.name)).toEqual(['Newer request', 'Older request']);
    expect((await offerChoices(w, w.memberId, 'older')).map((choice) => choice.name)).toEqual(['Older request']);
  });
});

describe('anonymous requests', () => {
  it('GIVEN an anonymous request with offers, a confirmation and a close THEN nothing sent to Discord carries the asker id or name', async () => {
    const w = await readyWorld();
    const asker = w.sandbox.addMember(w.guildId, { username: 'quietriver', globalName: 'Quiet River' });
    const answer = await ask(w, asker.user.id, 'Something I cannot say with my name', true);
    expect(answer.content).toContain('without your name');
    const post = await requestPost(w, 'Something I cannot say');
    expect(post.content).toContain('A member is asking for help');
    await offer(w, w.moderatorId, requestIdOf(post), 'Here for you');
    const offerPost = await w.sandbox.waitForMessage(requestThreadId(w, post), (m) => m.content.includes('Here for you'));
    await (await w.sandbox.clickButton({ userId: asker.user.id, message: offerPost, customId: buttonId(offerPost, 'This helped') })).reply();
    await (await w.sandbox.clickButton({ userId: asker.user.id, message: post, customId: buttonId(post, 'Close request') })).reply();

    const sent = w.sandbox.requests.filter((request) => request.method !== 'GET').map((request) => JSON.stringify(request.body ?? ''));
    expect(sent.length).toBeGreaterThan(5);
    for (const body of sent) {
      expect(body).not.toContain(asker.user.id);
      expect(body.toLowerCase()).not.toContain('quietriver');
      expect(body).not.toContain('Quiet River');
    }
  });
});
