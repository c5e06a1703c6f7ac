import { describe, expect, it } from 'vitest';
import type { ReplyMessage } from '../../src/sandbox/interactions.ts';
import { buttonId, setUpCircle } from './help-flow.ts';
import { worldsClosedAfterEach, type World, type WorldOptions } from './world.ts';

const openWorld = worldsClosedAfterEach();

async function readyWorld(options: WorldOptions = {}): Promise<World> {
  const world = await openWorld(options);
  await setUpCircle(world);
  return world;
}

type Subcommand = 'set' | 'report' | 'show';

async function task(w: World, userId: string, subcommand: Subcommand, options: Record<string, string> = {}): Promise<ReplyMessage> {
  const handle = await w.sandbox.slashCommand({ guildId: w.guildId, channelId: w.circleChannelId, userId, name: 'task', subcommand, options });
  return handle.reply();
}

const setTask = (w: World, userId: string, text: string) => task(w, userId, 'set', { text });
const report = (w: World, userId: string, outcome: 'done' | 'partly' | 'not-done', note?: string) =>
  task(w, userId, 'report', note === undefined ? { outcome } : { outcome, note });
const show = (w: World, userId: string) => task(w, userId, 'show');

async function privacy(w: World, userId: string, subcommand: 'show' | 'export' | 'delete' | 'pause'): Promise<ReplyMessage> {
  const handle = await w.sandbox.slashCommand({ guildId: w.guildId, channelId: w.circleChannelId, userId, name: 'privacy', subcommand });
  return handle.reply();
}

interface ExportedTask {
  text: string;
  outcome: string | null;
  note: string | null;
  meetingId: string | null;
}

async function exported(
  w: World,
  userId: string,
): Promise<{ tasks: ExportedTask[]; ledgerEvents: Array<{ kind: string; taskId?: string; outcome?: string }>; raw: string }> {
  const answer = await privacy(w, userId, 'export');
  const file = answer.attachments.find((attachment) => attachment.filename === 'helper-circle-my-data.json');
  if (!file) throw new Error('no export file attached');
  const raw = w.sandbox.attachmentData(file.id)!.toString('utf8');
  return { ...JSON.parse(raw), raw };
}

describe('/task set, show and report', () => {
  it('GIVEN a member WHEN they set, show, report and show again THEN each answer is private and shows the task and then its report', async () => {
    const w = await readyWorld();
    const set = await setTask(w, w.memberId, 'Call my sister on Sunday');
    expect(set.ephemeral).toBe(true);
    expect(set.content).toContain('Your practical task for the week:\n> Call my sister on Sunday');

    const before = await show(w, w.memberId);
    expect(before.ephemeral).toBe(true);
    expect(before.content).toContain('> Call my sister on Sunday');
    expect(before.content).toContain('Not reported yet');

    const reported = await report(w, w.memberId, 'done', 'She was glad I called');
    expect(reported.ephemeral).toBe(true);
    expect(reported.content).toContain("that's a step taken");

    const after = await show(w, w.memberId);
    expect(after.content).toContain('How it went: **Done**');
    expect(after.content).toContain('> She was glad I called');
    expect(after.content).not.toContain('Not reported yet');
  });

  it('GIVEN tasks set and reported THEN nothing is posted in any channel: there is no public list', async () => {
    const w = await readyWorld();
    await setTask(w, w.memberId, 'Walk to the park');
    await report(w, w.memberId, 'not-done');
    await show(w, w.memberId);
    expect(w.sandbox.messages(w.circleChannelId)).toEqual([]);
    expect(w.sandbox.messages(w.modChannelId)).toEqual([]);
    expect(w.sandbox.validationFailures).toEqual([]);
  });

  it('GIVEN no task yet WHEN the member reports THEN they are told how to set one, and nothing is recorded', async () => {
    const w = await readyWorld();
    const answer = await report(w, w.memberId, 'done');
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toBe("You haven't set a practical task yet: /task set lets you choose one small step for the coming week.");
    expect((await exported(w, w.memberId)).ledgerEvents).toEqual([]);
  });

  it('GIVEN no task yet WHEN the member asks to see it THEN they are told how to set one', async () => {
    const w = await readyWorld();
    expect((await show(w, w.memberId)).content).toContain("You haven't set a practical task yet: /task set");
  });

  it('GIVEN a task not done THEN the answer is kind and asks what was learned, with no reproach', async () => {
    const w = await readyWorld();
    await setTask(w, w.memberId, 'Go to the gym twice');
    const answer = await report(w, w.memberId, 'not-done');
    expect(answer.content).toContain("That's okay");
    expect(answer.content).toContain('What did you learn?');
    expect(answer.content).not.toMatch(/fail|should have|missed|didn't manage/i);
    expect((await show(w, w.memberId)).content).toContain('How it went: **Not done**');
  });

  it('GIVEN not done with a note of what was learned THEN the note is acknowledged instead of asked for', async () => {
    const w = await readyWorld();
    await setTask(w, w.memberId, 'Go to bed by eleven');
    const answer = await report(w, w.memberId, 'not-done', 'Screens after ten keep me up');
    expect(answer.content).toContain('Your note is kept with the task');
    expect(answer.content).not.toContain('jot down what you learned');
  });

  it('GIVEN a partly done task reported again as done THEN the new report replaces the old one and says so', async () => {
    const w = await readyWorld();
    await setTask(w, w.memberId, 'Tidy one drawer a day');
    await report(w, w.memberId, 'partly', 'Three of seven days');
    const again = await report(w, w.memberId, 'done');
    expect(again.content).toContain('This replaces your earlier report');
    const shown = await show(w, w.memberId);
    expect(shown.content).toContain('How it went: **Done**');
    expect(shown.content).not.toContain('Three of seven days');
  });

  it('GIVEN a text over 200 characters THEN Discord refuses it before the bot sees it, and nothing is kept', async () => {
    const w = await readyWorld();
    await expect(setTask(w, w.memberId, 'a'.repeat(201))).rejects.toThrow(/at most 200 characters/);
    expect((await show(w, w.memberId)).content).toContain("You haven't set a practical task yet");
  });

  it('GIVEN a caller that bypasses the option limit (a meeting modal) with 201 characters THEN the service refuses and nothing is kept', async () => {
    const w = await readyWorld();
    const result = await w.bot.services.tasks.set(w.guildId, w.memberId, 'a'.repeat(201), 'meeting-1');
    expect(result).toEqual({ ok: false, error: { kind: 'text-too-long', length: 201, max: 200 } });
    expect(await w.bot.services.tasks.current(w.guildId, w.memberId)).toBeNull();
  });

  it('GIVEN only spaces THEN the member is asked for a few words', async () => {
    const w = await readyWorld();
    expect((await setTask(w, w.memberId, '   ')).content).toContain('Please write a few words');
  });

  it('GIVEN an unreported task WHEN a new one is set THEN the old one is kept among earlier tasks as not reported', async () => {
    const w = await readyWorld();
    await setTask(w, w.memberId, 'First step');
    const second = await setTask(w, w.memberId, 'Second step');
    expect(second.content).toContain('Your earlier task is kept in /task show');
    const shown = await show(w, w.memberId);
    expect(shown.content).toContain('> Second step');
    expect(shown.content).toContain('**Earlier tasks**\n• First step: not reported');
  });

  it('GIVEN the same words set twice (a repeated click) THEN there is still one task and one ledger entry', async () => {
    const w = await readyWorld();
    await setTask(w, w.memberId, 'Phone a friend');
    expect((await setTask(w, w.memberId, 'Phone a friend')).content).toContain('already your practical task');
    const data = await exported(w, w.memberId);
    expect(data.tasks).toHaveLength(1);
    expect(data.ledgerEvents.map((event) => event.kind)).toEqual(['task-committed']);
  });

  it('GIVEN a task committed in a meeting THEN /task show says so and it is the one to report on', async () => {
    const w = await readyWorld();
    await w.bot.services.tasks.set(w.guildId, w.memberId, 'Write three lines a day', 'meeting-1');
    expect((await show(w, w.memberId)).content).toMatch(/Committed <t:\d+:D> in a meeting\./);
    expect(await w.bot.services.tasks.current(w.guildId, w.memberId)).toMatchObject({ text: 'Write three lines a day', meetingId: 'meeting-1', outcome: null });
  });

  it("GIVEN two members' tasks THEN each sees only their own", async () => {
    const w = await readyWorld();
    await setTask(w, w.memberId, "Sam's step");
    await setTask(w, w.moderatorId, "Omar's step");
    const sams = await show(w, w.memberId);
    expect(sams.content).toContain("Sam's step");
    expect(sams.content).not.toContain("Omar's step");
  });

  it('GIVEN no circle set-up THEN the member is told plainly what is missing', async () => {
    const world = await openWorld();
    expect((await setTask(world, world.memberId, 'Anything')).content).toContain("Practical tasks aren't set up in this server yet");
  });

  it('GIVEN tasks set and reported THEN they are kept across a restart', async () => {
    const w = await readyWorld();
    await setTask(w, w.memberId, 'Survive a restart');
    await report(w, w.memberId, 'partly');
    await w.restart();
    expect((await show(w, w.memberId)).content).toContain('How it went: **Partly**');
  });
});

describe('practical tasks in the ledger and /privacy', () => {
  it('GIVEN a task set and reported THEN the ledger names the task and the outcome but never its words', async () => {
    const w = await readyWorld();
    await setTask(w, w.memberId, 'A private little step');
    await report(w, w.memberId, 'partly', 'A private note');
    const { ledgerEvents } = await exported(w, w.memberId);
    expect(ledgerEvents).toMatchObject([{ kind: 'task-committed' }, { kind: 'task-reported', outcome: 'partly' }]);
    expect(JSON.stringify(ledgerEvents)).not.toMatch(/private/);
  });

  it('GIVEN recording paused THEN the task is still kept, but nothing goes into the ledger', async () => {
    const w = await readyWorld();
    await privacy(w, w.memberId, 'pause');
    await setTask(w, w.memberId, 'Step while paused');
    const data = await exported(w, w.memberId);
    expect(data.tasks.map((t) => t.text)).toEqual(['Step while paused']);
    expect(data.ledgerEvents).toEqual([]);
  });

  it('GIVEN tasks THEN /privacy show counts them in plain words', async () => {
    const w = await readyWorld();
    await setTask(w, w.memberId, 'One');
    await setTask(w, w.memberId, 'Two');
    expect((await privacy(w, w.memberId, 'show')).content).toContain('Practical tasks: 2**');
  });

  it('GIVEN a task with a report THEN /privacy export contains it, newest first, with outcome and note', async () => {
    const w = await readyWorld();
    await setTask(w, w.memberId, 'Older step');
    await setTask(w, w.memberId, 'Newer step');
    await report(w, w.memberId, 'not-done', 'Learned to start smaller');
    const { tasks } = await exported(w, w.memberId);
    expect(tasks).toMatchObject([
      { text: 'Newer step', outcome: 'not-done', note: 'Learned to start smaller', meetingId: null },
      { text: 'Older step', outcome: null, note: null },
    ]);
  });

  it("GIVEN another member's task THEN it is not in this member's export", async () => {
    const w = await readyWorld();
    await setTask(w, w.moderatorId, "Omar's private step");
    await setTask(w, w.memberId, "Sam's step");
    const { raw } = await exported(w, w.memberId);
    expect(raw).not.toContain("Omar's private step");
    expect(raw).not.toContain(w.moderatorId);
  });

  it('GIVEN tasks WHEN the member deletes their data THEN the tasks and their ledger entries are gone, and /task show starts afresh', async () => {
    const w = await readyWorld();
    await setTask(w, w.memberId, 'To be deleted');
    await report(w, w.memberId, 'done');
    const question = await privacy(w, w.memberId, 'delete');
    expect(question.content).toContain('• 1 practical task');
    const done = await (await w.sandbox.clickButton({ userId: w.memberId, message: question, customId: buttonId(question, 'Delete my data') })).reply();
    expect(done.content).toContain('• 1 practical task\n• 2 entries in the private tally of help you gave and received\n\n');

    const after = await exported(w, w.memberId);
    expect(after.tasks).toEqual([]);
    expect(after.ledgerEvents).toEqual([]);
    expect((await show(w, w.memberId)).content).toContain("You haven't set a practical task yet");
    expect((await privacy(w, w.memberId, 'show')).content).toContain('keeps nothing about you');
  });

  it("GIVEN one member deletes their data THEN another member's task stays", async () => {
    const w = await readyWorld();
    await setTask(w, w.moderatorId, 'Omar keeps this');
    await setTask(w, w.memberId, 'Sam removes this');
    const question = await privacy(w, w.memberId, 'delete');
    await (await w.sandbox.clickButton({ userId: w.memberId, message: question, customId: buttonId(question, 'Delete my data') })).reply();
    expect((await show(w, w.moderatorId)).content).toContain('> Omar keeps this');
  });
});
