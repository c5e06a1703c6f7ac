import { describe, expect, it } from 'vitest';
import { pressAndSubmit } from '../../src/sandbox/components.ts';
import { ask, buttonId, requestPost, requestThreadId, setUpCircle } from './help-flow.ts';
import { worldsClosedAfterEach, type World } from './world.ts';

const openWorld = worldsClosedAfterEach();

async function readyWorld(): Promise<World> {
  const world = await openWorld();
  await setUpCircle(world);
  return world;
}

const sentToDiscord = (w: World) => JSON.stringify(w.sandbox.requests.map((request) => request.body));

describe('an anonymous asker adds to their request', () => {
  it('GIVEN an anonymous request THEN the asker is told that writing in the thread shows their name, and how to add without it', async () => {
    const w = await readyWorld();
    const answer = await ask(w, w.memberId, 'Struggling with grief', true);
    expect(answer.content).toContain('Writing in the thread yourself would show your name');
    expect(buttonId(await requestPost(w, 'Struggling with grief'), 'Add to this request')).toMatch(/^help-add:/);
  });

  it('GIVEN an anonymous request WHEN the asker adds through the form THEN the bot posts it in the thread without their name', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Struggling with grief', true);
    const post = await requestPost(w, 'Struggling with grief');
    const answer = await (
      await pressAndSubmit(w.sandbox, {
        userId: w.memberId,
        guildId: w.guildId,
        message: post,
        label: 'Add to this request',
        fields: { text: 'It has been a year now' },
      })
    ).reply();
    expect(answer.content).toContain('without your name');
    const added = await w.sandbox.waitForMessage(requestThreadId(w, post), (m) => m.content.includes('It has been a year now'));
    expect(added.content).toContain('The person who asked adds');
    expect(sentToDiscord(w)).not.toContain(w.memberId);
  });

  it('GIVEN someone else presses "Add to this request" THEN they are told only the asker can, and no form opens', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Struggling with grief', true);
    const post = await requestPost(w, 'Struggling with grief');
    const answer = await (await w.sandbox.clickButton({ userId: w.moderatorId, message: post, customId: buttonId(post, 'Add to this request') })).reply();
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain('Only the person who asked');
  });

  it('GIVEN a named request THEN it has no "Add to this request" button (the asker can write in the thread)', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Moving house soon');
    expect(() => buttonId(w.sandbox.messages(w.circleChannelId).find((m) => m.content.includes('Moving house'))!, 'Add to this request')).toThrow();
  });

  it('GIVEN an anonymous asker who added to their request WHEN they delete their data THEN the added words are gone from the thread', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Struggling with grief', true);
    const post = await requestPost(w, 'Struggling with grief');
    await (
      await pressAndSubmit(w.sandbox, {
        userId: w.memberId,
        guildId: w.guildId,
        message: post,
        label: 'Add to this request',
        fields: { text: 'It has been a year now' },
      })
    ).reply();
    const thread = requestThreadId(w, post);
    await w.sandbox.waitForMessage(thread, (m) => m.content.includes('It has been a year now'));
    const question = await (
      await w.sandbox.slashCommand({ guildId: w.guildId, channelId: w.circleChannelId, userId: w.memberId, name: 'privacy', subcommand: 'delete' })
    ).reply();
    await (await w.sandbox.clickButton({ userId: w.memberId, message: question, customId: buttonId(question, 'Delete my data') })).reply();
    expect(w.sandbox.messages(thread).some((m) => m.content.includes('It has been a year now'))).toBe(false);
  });
});
