import { describe, expect, it } from 'vitest';
import { postRequest } from '../../src/discord/help-posts.ts';
import { setUpCircle } from './help-flow.ts';
import { worldsClosedAfterEach, type World } from './world.ts';

const openWorld = worldsClosedAfterEach();

async function readyWorld(): Promise<World> {
  const world = await openWorld();
  await setUpCircle(world);
  return world;
}

const postsAbout = (w: World, topic: string) => w.sandbox.messages(w.circleChannelId).filter((m) => m.content.includes(topic));

describe('help posts follow from what is stored', () => {
  it('GIVEN a request stored when the bot stopped before posting it WHEN the bot starts THEN it is posted once, with its thread', async () => {
    const w = await readyWorld();
    // As a crash right after the store: the request exists, its post does not.
    const asked = await w.bot.services.help.ask(w.guildId, w.memberId, 'Stored before the crash', false);
    if (!asked.ok) throw new Error(asked.error.kind);
    await w.restart();
    const post = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('Stored before the crash'));
    expect(w.sandbox.threads(w.circleChannelId).map((thread) => thread.id)).toContain(post.id);
    expect((await w.bot.services.help.request(w.guildId, asked.value.request.id))?.messageId).toBe(post.id);
    await w.restart();
    expect(postsAbout(w, 'Stored before the crash')).toHaveLength(1);
  });

  it('GIVEN a request posted but not yet recorded as posted when the bot stopped WHEN the bot starts THEN no second post appears', async () => {
    const w = await readyWorld();
    const asked = await w.bot.services.help.ask(w.guildId, w.memberId, 'Posted just before the crash', false);
    if (!asked.ok) throw new Error(asked.error.kind);
    // As a crash right after Discord took the post, before the bot recorded it.
    await postRequest(w.bot.client, asked.value.request);
    await w.restart();
    const stored = await w.bot.services.help.request(w.guildId, asked.value.request.id);
    expect(stored?.messageId).toBe(postsAbout(w, 'Posted just before the crash')[0]?.id);
    expect(postsAbout(w, 'Posted just before the crash')).toHaveLength(1);
    expect(w.sandbox.threads(w.circleChannelId).filter((thread) => thread.id === stored?.messageId)).toHaveLength(1);
  });

  it('GIVEN an offer stored when the bot stopped before posting it WHEN the bot starts THEN it appears in the request thread once', async () => {
    const w = await readyWorld();
    const asked = await w.bot.services.help.ask(w.guildId, w.memberId, 'Needs an offer', false);
    if (!asked.ok) throw new Error(asked.error.kind);
    await w.bot.services.help.attachRequestPost(w.guildId, asked.value.request.id, await postRequest(w.bot.client, asked.value.request));
    const offered = await w.bot.services.help.offer(w.guildId, w.moderatorId, asked.value.request.id, 'Happy to talk');
    if (!offered.ok) throw new Error(offered.error.kind);
    await w.restart();
    const thread = (await w.bot.services.help.request(w.guildId, asked.value.request.id))!.threadId!;
    await w.sandbox.waitForMessage(thread, (m) => m.content.includes('Happy to talk'));
    await w.restart();
    expect(w.sandbox.messages(thread).filter((m) => m.content.includes('Happy to talk'))).toHaveLength(1);
  });
});
