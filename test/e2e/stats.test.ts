import { describe, expect, it } from 'vitest';
import { loadHelpRules } from '../../src/config/help-rules.ts';
import { loadReflectionPrompts } from '../../src/config/reflection-prompts.ts';
import { ask, buttonId, offer, requestIdOf, requestPost, setUpCircle, stats } from './help-flow.ts';
import { worldsClosedAfterEach, type World, type WorldOptions } from './world.ts';

const openWorld = worldsClosedAfterEach();

async function readyWorld(options: WorldOptions = {}): Promise<World> {
  const world = await openWorld(options);
  await setUpCircle(world);
  return world;
}

async function askAndGetId(w: World, userId: string, topic: string): Promise<string> {
  await ask(w, userId, topic);
  return requestIdOf(await requestPost(w, topic));
}

type Embed = { description?: string; fields?: Array<{ name: string; value: string }> };
const fieldOf = (embed: Embed | undefined, name: string) => embed?.fields?.find((field) => field.name === name)?.value;

describe("/stats, each member's own picture", () => {
  it('GIVEN members who asked, offered, or both THEN they are typed bidirectional, provider and receiver', async () => {
    const w = await readyWorld();
    const [sam, omar, maya] = [w.memberId, w.moderatorId, w.managerId];
    const samsRequest = await askAndGetId(w, sam, 'Sam needs a hand');
    const mayasRequest = await askAndGetId(w, maya, 'Maya needs a hand');
    await offer(w, omar, samsRequest, 'I can');
    await offer(w, sam, mayasRequest, 'Me too');

    const samStats = (await stats(w, sam)).embeds?.[0] as Embed;
    expect(fieldOf(samStats, 'How you take part')).toBe('Giving and receiving help');
    expect(fieldOf(samStats, 'This week')).toBe('Help given: 1\nHelp received: 1\nRequests made: 1');
    expect(fieldOf(samStats, 'Last 28 days')).toBe('Help given: 1\nHelp received: 1\nRequests made: 1');

    const omarStats = (await stats(w, omar)).embeds?.[0] as Embed;
    expect(fieldOf(omarStats, 'How you take part')).toBe('Mostly giving help');
    expect(fieldOf(omarStats, 'A thought')).toContain('Bringing a need of your own is a contribution too');

    const mayaStats = (await stats(w, maya)).embeds?.[0] as Embed;
    expect(fieldOf(mayaStats, 'How you take part')).toBe('Mostly receiving help, which is what the circle is for');
    expect(fieldOf(mayaStats, 'A thought')).toContain('offering help on someone');
  });

  it('GIVEN a member who has done nothing yet THEN they are welcomed, privately, with no ranks', async () => {
    const w = await readyWorld();
    const answer = await stats(w, w.memberId);
    expect(answer.ephemeral).toBe(true);
    const embed = answer.embeds?.[0] as Embed & { footer?: { text: string } };
    expect(fieldOf(embed, 'How you take part')).toBe('Taking part in other ways for now');
    expect(embed.footer?.text).toBe('Only you can see this. There are no rankings.');
  });

  it("GIVEN any week THEN /stats asks the same two questions as the circle's reflection: one about helping, one about needs", async () => {
    const w = await readyWorld();
    const embed = (await stats(w, w.memberId)).embeds?.[0] as Embed;
    const [helping, needs] = (fieldOf(embed, "This week's questions, the same the circle's reflection asks") ?? '').split('\n');
    const prompts = loadReflectionPrompts();
    // As in the reflection: "What support would you like next week?" always, then the week's own needs prompt.
    const always = 'What support would you like next week?';
    expect(prompts.helping.map((prompt) => `**To reflect on:** ${prompt}`)).toContain(helping);
    expect(prompts.needs.map((prompt) => `**Looking ahead:** ${prompt === always ? always : `${always} ${prompt}`}`)).toContain(needs);
  });

  it('GIVEN a member whose request got no offers yet THEN they hear it is still open and the circle was invited to help, never that they were quiet', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Nobody has answered me yet');
    const embed = (await stats(w, w.memberId)).embeds?.[0] as Embed;
    expect(embed.description).toContain('your request is still open. The circle has been invited to help with it');
    expect(fieldOf(embed, 'How you take part')).toBe('Asking for help: your request is open');
    expect(fieldOf(embed, 'A thought')).toContain('While you wait');
    expect(JSON.stringify(embed).toLowerCase()).not.toContain('quiet');
  });

  it('GIVEN a member who mostly gives and has a request still open THEN /stats says so too, and thanks them for bringing a need', async () => {
    const w = await readyWorld();
    const theirs = await askAndGetId(w, w.managerId, 'Moving house');
    await offer(w, w.memberId, theirs, 'I have boxes');
    await ask(w, w.memberId, 'Sleeping badly');
    const embed = (await stats(w, w.memberId)).embeds?.[0] as Embed;
    expect([
      embed.description?.includes('Your request is still open, and the circle has been invited to help with it.'),
      fieldOf(embed, 'A thought')?.includes('for bringing a need of your own'),
    ]).toEqual([true, true]);
  });

  it('GIVEN 100 members offering on one request at the same instant THEN every offer is recorded exactly once', async () => {
    const w = await readyWorld();
    const requestId = await askAndGetId(w, w.memberId, 'Big day tomorrow');
    const helpers = Array.from({ length: 100 }, (_, index) => w.sandbox.addMember(w.guildId, { username: `helper${index}` }));
    const answers = await Promise.all(helpers.map((helper) => offer(w, helper.user.id, requestId, `good luck from ${helper.user.username}`, 30_000)));
    expect(answers.every((answer) => answer.content?.includes('your offer is in'))).toBe(true);
    const embed = (await stats(w, w.memberId)).embeds?.[0] as Embed;
    expect(fieldOf(embed, 'This week')).toBe('Help given: 0\nHelp received: 100\nRequests made: 1');
  }, 60_000);
});

describe('the over-helping guard', () => {
  it('GIVEN a member who gives a lot and receives nothing THEN they are invited once to rest or share a need, and can pause invitations', async () => {
    const rules = { ...loadHelpRules(), overHelping: { minGiven: 3, maxReceived: 0, maxRequests: 0, cooldownDays: 7 } };
    const w = await readyWorld({ helpRules: rules });
    const requests = [];
    for (const topic of ['First need', 'Second need', 'Third need', 'Fourth need']) requests.push(await askAndGetId(w, w.moderatorId, topic));

    expect((await offer(w, w.memberId, requests[0]!)).content).not.toContain('giving a lot of help');
    expect((await offer(w, w.memberId, requests[1]!)).content).not.toContain('giving a lot of help');
    const third = await offer(w, w.memberId, requests[2]!);
    expect(third.content).toContain("You've been giving a lot of help lately");
    expect((await offer(w, w.memberId, requests[3]!)).content).not.toContain('giving a lot of help');

    const pause = await w.sandbox.clickButton({ userId: w.memberId, message: third, customId: buttonId(third, 'Pause invitations to help') });
    expect((await pause.reply()).content).toContain("you won't see invitations to help others until");
    await ask(w, w.managerId, 'Yet another need');
    const own = await ask(w, w.memberId, 'Now my own need');
    expect(own.content).not.toContain('If you need help, help others');
    expect(own.components ?? []).toEqual([]);
  });
});
