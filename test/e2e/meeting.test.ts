import { describe, expect, it } from 'vitest';
import { buttonId, setUpCircle } from './help-flow.ts';
import { meeting, meetingThreadId, pressAndFill, roundPost } from './meeting-flow.ts';
import { worldsClosedAfterEach, type World, type WorldOptions } from './world.ts';

const openWorld = worldsClosedAfterEach();

async function readyWorld(options: WorldOptions = {}): Promise<World> {
  const world = await openWorld(options);
  await setUpCircle(world, { 'moderator-role': world.moderatorRoleId });
  return world;
}

describe('a short meeting, steered by a moderator', () => {
  it('GIVEN members who check in, ask, offer, commit and rate THEN each round is posted once and the summary counts it all without names or small numbers', async () => {
    const w = await readyWorld();
    const started = await meeting(w, w.moderatorId, 'start', { format: 'short' });
    expect(started.ephemeral).toBe(true);
    expect(started.content).toContain('The meeting has started');
    const opening = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('has started'));
    expect(opening.content).toContain(`Chaired by <@${w.moderatorId}>`);
    const thread = await meetingThreadId(w);

    const checkIn = await roundPost(w, 1);
    expect(checkIn.content).toContain('Check-in');
    expect((await pressAndFill(w, w.memberId, checkIn, 'Check in', 'Tired but here')).content).toContain('Thanks for checking in');
    expect((await w.sandbox.waitForMessage(thread, (m) => m.content.includes('Tired but here'))).content).toContain(`<@${w.memberId}> checks in`);

    expect((await meeting(w, w.moderatorId, 'next')).content).toContain('Moved on to round 2 of 5');
    const needs = await roundPost(w, 2);
    const asked = await pressAndFill(w, w.memberId, needs, 'I need help', 'Getting out of bed on weekends');
    expect(asked.content).toContain('Asking is a contribution');
    const request = await w.sandbox.waitForMessage(thread, (m) => m.content.includes('Getting out of bed'));

    await meeting(w, w.moderatorId, 'next');
    const helping = await roundPost(w, 3);
    const offerClick = await w.sandbox.clickButton({ userId: w.moderatorId, message: helping, customId: buttonId(helping, 'I can help') });
    const picker = await offerClick.reply();
    const select = (picker.components as Array<{ components: Array<{ custom_id: string; options: Array<{ value: string; label: string }> }> }>)[0]!
      .components[0]!;
    expect(select.options.map((option) => option.label)).toEqual(['Getting out of bed on weekends']);
    const picked = await w.sandbox.selectMenu({ userId: w.moderatorId, message: picker, customId: select.custom_id, values: [select.options[0]!.value] });
    const modal = await picked.modal();
    const offered = await w.sandbox.submitModal({
      userId: w.moderatorId,
      guildId: w.guildId,
      channelId: thread,
      customId: modal.custom_id,
      fields: { text: 'An alarm across the room works for me' },
    });
    expect((await offered.reply()).content).toContain('your offer is in');
    expect(request.id).toBeDefined();

    await meeting(w, w.moderatorId, 'next');
    const tasks = await roundPost(w, 4);
    expect((await pressAndFill(w, w.memberId, tasks, 'Commit to a task', 'Walk to the shop on Saturday')).content).toContain('Walk to the shop on Saturday');

    await meeting(w, w.moderatorId, 'next');
    const close = await roundPost(w, 5);
    expect((await pressAndFill(w, w.memberId, close, '4', 'Felt heard')).content).toContain('Thank you for rating');

    expect((await meeting(w, w.moderatorId, 'next')).content).toContain('the meeting has ended');
    const summary = await w.sandbox.waitForMessage(thread, (m) => m.content.includes('The meeting has ended'));
    // Two took part: fewer than 5, so counts of 1 or 2 read "a few"; one rating shows no average.
    expect(summary.content).toContain(
      'Taking part: a few. Asked for help: a few (a few got offers). Offers of help: a few. Practical tasks committed: a few; reported on: 0.',
    );
    expect(summary.content).toContain('An average is shown from 3 ratings up');
    expect(summary.content).not.toContain('Average rating');
    expect(summary.content).not.toContain(w.memberId);
    expect(summary.content).not.toContain('Felt heard');

    const roundHeadings = w.sandbox
      .messages(thread)
      .filter((m) => m.content.startsWith('**Round '))
      .map((m) => m.content.split('**')[1]);
    expect(roundHeadings).toEqual([
      'Round 1 of 5: Check-in',
      'Round 2 of 5: Needs',
      'Round 3 of 5: Helping',
      'Round 4 of 5: Practical task for the week',
      'Round 5 of 5: Close',
    ]);
  });

  it('GIVEN a round has moved on THEN its message says so and its buttons are greyed out', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    const checkIn = await roundPost(w, 1);
    await meeting(w, w.moderatorId, 'next');
    await roundPost(w, 2);
    const oldRound = w.sandbox.messages(await meetingThreadId(w)).find((m) => m.id === checkIn.id)!;
    expect(oldRound.content).toContain('This round has ended.');
    const buttons = (oldRound.components as Array<{ components: Array<{ disabled?: boolean }> }>).flatMap((row) => row.components);
    expect(buttons.length).toBeGreaterThan(0);
    expect(buttons.every((button) => button.disabled)).toBe(true);
  });

  it('GIVEN a member still holding a choice from a round that has ended WHEN they use it THEN they hear the round has ended and nothing is recorded', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    await meeting(w, w.moderatorId, 'next');
    await pressAndFill(w, w.memberId, await roundPost(w, 2), 'I need help', 'Loneliness in the evenings');
    await meeting(w, w.moderatorId, 'next');
    const helping = await roundPost(w, 3);
    const picker = await (await w.sandbox.clickButton({ userId: w.moderatorId, message: helping, customId: buttonId(helping, 'I can help') })).reply();
    await meeting(w, w.moderatorId, 'next');
    const select = (picker.components as Array<{ components: Array<{ custom_id: string; options: Array<{ value: string }> }> }>)[0]!.components[0]!;
    const late = await w.sandbox.selectMenu({ userId: w.moderatorId, message: picker, customId: select.custom_id, values: [select.options[0]!.value] });
    expect((await late.reply()).content).toContain('This round has ended, so nothing was changed');
    const record = await w.bot.services.meetings.current(w.guildId);
    expect(record?.actions['offer-help'] ?? 0).toBe(0);
  });
});

describe('steering', () => {
  it('GIVEN a running meeting THEN pause, extend, resume, status and end answer in plain words', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', {});
    expect((await meeting(w, w.moderatorId, 'status')).content).toMatch(/^Round 1 of 8: Opening\. It ends <t:\d+:R>/);
    expect((await meeting(w, w.moderatorId, 'pause')).content).toContain('Paused');
    expect((await roundPost(w, 1)).content).toBeDefined();
    await expect.poll(async () => (await roundPost(w, 1)).content).toContain('Paused by a moderator');
    expect((await meeting(w, w.moderatorId, 'pause')).content).toContain('already paused');
    expect((await meeting(w, w.moderatorId, 'extend', { minutes: 5 })).content).toContain('Paused');
    expect((await meeting(w, w.moderatorId, 'status')).content).toContain('paused with 10 min left');
    expect((await meeting(w, w.moderatorId, 'resume')).content).toMatch(/Resumed\. The round now ends <t:\d+:R>/);
    expect((await meeting(w, w.moderatorId, 'start', {})).content).toContain('A meeting is already running');
    expect((await meeting(w, w.moderatorId, 'end')).content).toContain('The meeting has ended');
    await w.sandbox.waitForMessage(await meetingThreadId(w), (m) => m.content.includes('The meeting has ended'));
    expect((await meeting(w, w.moderatorId, 'next')).content).toContain('There is no meeting running');
  });

  it('GIVEN a member without the moderator role THEN /meeting start is refused', async () => {
    const w = await readyWorld();
    expect((await meeting(w, w.memberId, 'start', {})).content).toContain("for the circle's moderators");
  });

  it('GIVEN no circle set-up THEN /meeting start says what to set up first', async () => {
    const world = await openWorld();
    expect((await meeting(world, world.managerId, 'start', {})).content).toContain('/circle setup');
  });
});

describe('rounds on their own', () => {
  it('GIVEN short rounds THEN the meeting advances at each deadline and ends with a summary, with no moderator', async () => {
    const w = await readyWorld({ meetingMinuteMs: 60 });
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    const thread = await meetingThreadId(w);
    const summary = await w.sandbox.waitForMessage(thread, (m) => m.content.includes('The meeting has ended'), 15_000);
    expect(summary.content).toContain('Taking part: 0.');
    const rounds = w.sandbox.messages(thread).filter((m) => m.content.startsWith('**Round '));
    expect(rounds).toHaveLength(5);
    expect(rounds.every((m) => m.content.includes('This round has ended.'))).toBe(true);
  });
});

describe('meetings and /privacy', () => {
  it('GIVEN a member who took part and rated THEN their export shows it and deleting their data takes them out of the meeting', async () => {
    const w = await readyWorld();
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    await pressAndFill(w, w.memberId, await roundPost(w, 1), 'Check in', '');
    for (let round = 0; round < 4; round += 1) await meeting(w, w.moderatorId, 'next');
    await pressAndFill(w, w.memberId, await roundPost(w, 5), '5', 'Kind people');

    const privacy = async (subcommand: string) =>
      (await w.sandbox.slashCommand({ guildId: w.guildId, channelId: w.circleChannelId, userId: w.memberId, name: 'privacy', subcommand })).reply();
    const exported = await privacy('export');
    const file = JSON.parse(w.sandbox.attachmentData(exported.attachments[0]!.id)!.toString('utf8')) as { meetings: unknown[] };
    expect(file.meetings).toMatchObject([{ rating: { score: 5, comment: 'Kind people' } }]);

    const confirm = await privacy('delete');
    await (await w.sandbox.clickButton({ userId: w.memberId, message: confirm, customId: buttonId(confirm, 'Delete my data') })).reply();
    const record = await w.bot.services.meetings.current(w.guildId);
    expect(record?.attendees).not.toContain(w.memberId);
    expect(record?.ratings).toEqual([]);
  });
});

describe('chairing rotates among volunteers', () => {
  async function meetingWhereBothTakePart(w: World, volunteer: boolean) {
    await meeting(w, w.moderatorId, 'start', { format: 'short' });
    const opening = w.sandbox
      .messages(w.circleChannelId)
      .filter((m) => m.content.includes('has started'))
      .at(-1)!;
    const checkIn = await roundPost(w, 1);
    await pressAndFill(w, w.memberId, checkIn, 'Check in', '');
    await pressAndFill(w, w.managerId, checkIn, 'Check in', '');
    if (volunteer) {
      for (let round = 0; round < 4; round += 1) await meeting(w, w.moderatorId, 'next');
      const close = await roundPost(w, 5);
      for (const member of [w.memberId, w.managerId]) {
        const answer = await (await w.sandbox.clickButton({ userId: member, message: close, customId: buttonId(close, "I'd like to chair sometime") })).reply();
        expect(answer.content).toContain("you're on the chairing rotation");
      }
    }
    await meeting(w, w.moderatorId, 'end');
    await w.sandbox.waitForMessage(await meetingThreadId(w), (m) => m.content.includes('The meeting has ended'));
    return opening;
  }

  it('GIVEN two attendees volunteered THEN the next meetings invite each in turn, and the moderator still chairs', async () => {
    const w = await readyWorld();
    const first = await meetingWhereBothTakePart(w, true);
    expect(first.content).not.toContain('invited to chair');
    const second = await meetingWhereBothTakePart(w, false);
    const third = await meetingWhereBothTakePart(w, false);
    const invited = [second, third].map((opening) => /(<@\d+>) is warmly invited to chair/.exec(opening.content)?.[1]);
    expect(new Set(invited)).toEqual(new Set([`<@${w.memberId}>`, `<@${w.managerId}>`]));
    expect(second.content).toContain(`Chaired by <@${w.moderatorId}>`);
  });
});

describe('a full GROW meeting', () => {
  it('GIVEN several members acting in every round of grow THEN every round is posted in order and the summary adds up', async () => {
    const w = await readyWorld();
    const task = await w.sandbox.slashCommand({
      guildId: w.guildId,
      channelId: w.circleChannelId,
      userId: w.memberId,
      name: 'task',
      subcommand: 'set',
      options: { text: 'Sleep before midnight' },
    });
    await task.reply();
    await meeting(w, w.moderatorId, 'start', {});
    const thread = await meetingThreadId(w);

    expect((await roundPost(w, 1)).content).toContain('Opening');
    await meeting(w, w.moderatorId, 'next');
    const checkIn = await roundPost(w, 2);
    for (const member of [w.memberId, w.managerId]) await pressAndFill(w, member, checkIn, 'Check in', '');

    await meeting(w, w.moderatorId, 'next');
    const progress = await roundPost(w, 3);
    const question = await (await w.sandbox.clickButton({ userId: w.memberId, message: progress, customId: buttonId(progress, 'Report my task') })).reply();
    expect((await pressAndFill(w, w.memberId, question, 'Partly', 'Three nights of five')).content).toContain('Every step counts');

    await meeting(w, w.moderatorId, 'next');
    const needs = await roundPost(w, 4);
    await pressAndFill(w, w.memberId, needs, 'I need help (no name)', 'Evenings feel very long');
    await pressAndFill(w, w.managerId, needs, 'I need help', 'Talking to my GP');

    await meeting(w, w.moderatorId, 'next');
    const solving = await roundPost(w, 5);
    const picker = await (await w.sandbox.clickButton({ userId: w.moderatorId, message: solving, customId: buttonId(solving, 'I can help') })).reply();
    const select = (picker.components as Array<{ components: Array<{ custom_id: string; options: Array<{ value: string; label: string }> }> }>)[0]!
      .components[0]!;
    expect(select.options.map((option) => option.label).sort()).toEqual(['Evenings feel very long', 'Talking to my GP']);
    const picked = await w.sandbox.selectMenu({ userId: w.moderatorId, message: picker, customId: select.custom_id, values: [select.options[0]!.value] });
    const modal = await picked.modal();
    await (
      await w.sandbox.submitModal({
        userId: w.moderatorId,
        guildId: w.guildId,
        channelId: thread,
        customId: modal.custom_id,
        fields: { text: 'Write the question down first' },
      })
    ).reply();

    await meeting(w, w.moderatorId, 'next');
    const tasks = await roundPost(w, 6);
    for (const member of [w.memberId, w.managerId]) await pressAndFill(w, member, tasks, 'Commit to a task', 'One small step');

    await meeting(w, w.moderatorId, 'next');
    expect((await roundPost(w, 7)).content).toContain('Reading');
    await meeting(w, w.moderatorId, 'next');
    const close = await roundPost(w, 8);
    await pressAndFill(w, w.memberId, close, '5', '');
    await pressAndFill(w, w.managerId, close, '3', '');
    await meeting(w, w.moderatorId, 'next');

    const summary = await w.sandbox.waitForMessage(thread, (m) => m.content.includes('The meeting has ended'));
    expect(summary.content).toContain(
      'Taking part: 3. Asked for help: a few (a few got offers). Offers of help: a few. Practical tasks committed: a few; reported on: a few.',
    );
    expect(summary.content).toContain("Thank you for rating the meeting. An average is shown from 3 ratings up, so no one's rating stands out.");
    const rounds = w.sandbox
      .messages(thread)
      .filter((m) => m.content.startsWith('**Round '))
      .map((m) => /Round (\d) of 8/.exec(m.content)?.[1]);
    expect(rounds).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(w.sandbox.messages(thread).some((m) => m.content.includes('Sleep before midnight') || m.content.includes('Three nights'))).toBe(false);
  });
});
