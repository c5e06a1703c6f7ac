import KeyvSqlite from '@keyv/sqlite';
import { DateTime } from 'luxon';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { REFLECTION_RETRY_MINUTES } from '../../src/services/reflection-service.ts';
import { ask, offer, requestIdOf, requestPost, setUpCircle } from './help-flow.ts';
import { worldsClosedAfterEach, movableClock, type World, type WorldOptions } from './world.ts';

const openWorld = worldsClosedAfterEach();

/** The reflection slot an organizer would set for an instant, in London. */
function londonSlot(at: Date) {
  const local = DateTime.fromJSDate(at, { zone: 'Europe/London' });
  return { 'reflection-day': local.toFormat('ccc').toLowerCase(), 'reflection-time': local.toFormat('HH:mm') };
}

async function readyWorld(options: WorldOptions = {}, slot: Record<string, string> = {}): Promise<World> {
  const world = await openWorld({ scheduleTickMs: 200, ...options });
  await setUpCircle(world, { 'moderator-role': world.moderatorRoleId, ...slot });
  return world;
}

/** A moderator's `/reflection <subcommand>` in the circle channel; resolves with the bot's answer. */
async function reflectionCommand(w: World, subcommand: 'post' | 'preview') {
  const handle = await w.sandbox.slashCommand({ guildId: w.guildId, channelId: w.circleChannelId, userId: w.moderatorId, name: 'reflection', subcommand });
  return handle.reply();
}

const reflections = (w: World) => w.sandbox.messages(w.circleChannelId).filter((m) => m.content.includes('This week in the circle'));

/** Width and height from a PNG's IHDR chunk, after checking its signature. */
function pngSize(data: Buffer): { width: number; height: number } {
  expect([...data.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(data.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

describe('/reflection preview and post', () => {
  it('GIVEN a week with help given THEN the preview is private, in words and a readable chart with alt text, naming nobody', async () => {
    const w = await readyWorld();
    await ask(w, w.memberId, 'Feeling low on Sundays');
    await offer(w, w.moderatorId, requestIdOf(await requestPost(w, 'Feeling low on Sundays')), 'Same here, a walk helps me');
    const preview = await reflectionCommand(w, 'preview');
    expect(preview.ephemeral).toBe(true);
    expect(preview.content).toContain('This week in the circle');
    // Two members active: fewer than 5, so 1s and 2s read "a few".
    expect(preview.content).toContain('Help requests: a few raised, a few answered, a few still open.');
    expect(preview.content).toContain('Offers of help: a few made, 0 marked "This helped".');
    expect(preview.content).toContain('with fewer than 5 members active this week, the balance stays private');
    expect(preview.content).toMatch(/\*\*To reflect on:\*\* .+\?\n\*\*Looking ahead:\*\* What support would you like next week\?/);
    expect(preview.content).toContain('If you need help, help others.');
    const [attachment] = preview.attachments;
    expect(attachment?.filename).toBe('helper-circle-week.png');
    expect(attachment?.description?.length).toBeGreaterThan(20);
    const size = pngSize(w.sandbox.attachmentData(attachment!.id)!);
    expect(size.width).toBeGreaterThanOrEqual(600);
    expect(size.height).toBeGreaterThanOrEqual(300);
    const everything = JSON.stringify(w.sandbox.requests.filter((r) => r.route.includes('callback') || r.route.includes('webhooks')).map((r) => r.body));
    for (const id of [w.memberId, w.moderatorId]) expect(everything).not.toContain(id);
    for (const name of ['sam', 'omar']) expect(everything.toLowerCase()).not.toContain(`"${name}`);
  });

  it('GIVEN a moderator posts the reflection before its slot THEN it is shared, and the scheduled one still comes', async () => {
    const clock = movableClock();
    const slot = new Date(Math.ceil((Date.now() + 5 * 60_000) / 60_000) * 60_000);
    const w = await readyWorld({ now: clock.now }, londonSlot(slot));
    expect((await reflectionCommand(w, 'post')).content).toContain('The reflection is posted in');
    expect(reflections(w)).toHaveLength(1);
    clock.jumpTo(new Date(slot.getTime() + 1_000));
    await expect.poll(() => reflections(w).length, { timeout: 5_000 }).toBe(2);
  });
});

describe('the weekly reflection, on its own', () => {
  it('GIVEN its slot comes THEN it is posted once, with the chart, and not again after restarts', async () => {
    const clock = movableClock();
    const slot = new Date(Math.ceil((Date.now() + 5 * 60_000) / 60_000) * 60_000);
    const w = await readyWorld({ now: clock.now }, londonSlot(slot));
    await sleep(400);
    expect(reflections(w)).toHaveLength(0);
    clock.jumpTo(new Date(slot.getTime() + 1_000));
    const posted = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('This week in the circle'));
    expect(posted.attachments).toHaveLength(1);
    expect(posted.content).not.toContain('A little late');
    expect(posted.allowed_mentions).toMatchObject({ parse: [] });
    const sent = JSON.stringify(w.sandbox.requests.filter((r) => r.route === 'POST /channels/:id/messages').map((r) => [r.body, r.files.map((f) => f.name)]));
    for (const id of [w.memberId, w.moderatorId, w.managerId]) expect(sent).not.toContain(id);
    await w.restart();
    await w.restart();
    await sleep(600);
    expect(reflections(w)).toHaveLength(1);
  });

  it('GIVEN the bot was away at the slot but back within a day THEN it posts late and says so', async () => {
    const clock = movableClock();
    const slot = new Date(Math.ceil((Date.now() + 5 * 60_000) / 60_000) * 60_000);
    const w = await readyWorld({ now: clock.now }, londonSlot(slot));
    await w.restart(async () => clock.jumpTo(new Date(slot.getTime() + 3 * 3_600_000)));
    const posted = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('This week in the circle'));
    expect(posted.content).toContain('A little late this week');
  });

  it('GIVEN the bot was away for more than a day after the slot THEN that week is skipped with a log line', async () => {
    const clock = movableClock();
    const slot = new Date(Math.ceil((Date.now() + 5 * 60_000) / 60_000) * 60_000);
    const w = await readyWorld({ now: clock.now }, londonSlot(slot));
    await w.restart(async () => clock.jumpTo(new Date(slot.getTime() + 30 * 3_600_000)));
    await expect.poll(() => w.logs.lines.some((line) => line.includes('weekly reflection skipped'))).toBe(true);
    expect(reflections(w)).toHaveLength(0);
  });
});

describe('/reflection post at the slot, before the bot has posted it', () => {
  const HOUR = 3_600_000;
  /** discord.js sends a post up to 4 times when Discord answers 5xx (its default 3 retries), then gives up. */
  const ATTEMPTS = 4;

  /**
   * A circle whose slot is next week's Wednesday 18:30 in London, the bot's clock at the slot. The bot
   * checks the hour, once at start-up (5 minutes before the slot) and next at 19:00: so between the
   * jump to the slot and a restart (whose start-up check is the bot's next one), the moderator is first.
   */
  async function atTheSlot() {
    const clock = movableClock();
    const slot = DateTime.now().setZone('Europe/London').plus({ weeks: 1 }).set({ weekday: 3, hour: 18, minute: 30, second: 0, millisecond: 0 }).toJSDate();
    clock.jumpTo(new Date(slot.getTime() - 5 * 60_000));
    const w = await readyWorld({ now: clock.now, scheduleTickMs: HOUR }, londonSlot(slot));
    clock.jumpTo(new Date(slot.getTime() + 1_000));
    return w;
  }

  const postNow = (w: World) => reflectionCommand(w, 'post');

  const postsTried = (w: World) =>
    w.sandbox.requests.filter((r) => r.route === 'POST /channels/:id/messages' && r.path.endsWith(`/channels/${w.circleChannelId}/messages`));
  const dueGuilds = async (w: World) => (await w.bot.services.reflections.due()).map((due) => due.guildId);

  it("GIVEN Discord refuses the moderator's post THEN they are told plainly and privately, and the scheduled reflection still posts, once", async () => {
    const w = await atTheSlot();
    w.sandbox.failNext({ route: `POST /channels/${w.circleChannelId}/messages`, status: 500, times: ATTEMPTS });

    const answer = await postNow(w);
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain(`I couldn't post the reflection in <#${w.circleChannelId}>`);
    expect(answer.content).toContain("The weekly reflection on its usual day and time isn't affected");
    expect(answer.content).not.toContain('Something went wrong');
    // Every refusal went to the moderator's post: none is left over for the scheduled one.
    expect(postsTried(w).map((r) => r.fault)).toEqual(Array(ATTEMPTS).fill('failNext'));
    expect(reflections(w)).toHaveLength(0);
    expect(w.logs.entries().filter((entry) => entry.msg === 'could not post the reflection asked for now')).toHaveLength(1);
    // The week's slot was not used up: the running bot's next check would post it.
    expect(await dueGuilds(w)).toEqual([w.guildId]);

    // The bot's next check (here the start-up check of a restart, still within the slot's minute) posts it, on time.
    await w.restart();
    const posted = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('This week in the circle'));
    expect(posted.content).not.toContain('A little late');
    await w.restart();
    expect(reflections(w)).toHaveLength(1);
  });

  it("GIVEN the moderator's post is still on its way WHEN the bot's own check tries to claim the slot THEN it is refused, and the reflection is posted once", async () => {
    const w = await atTheSlot();
    const [due] = await w.bot.services.reflections.due();
    // Discord asks the bot to wait a moment before it takes the post.
    w.sandbox.failNext({ route: `POST /channels/${w.circleChannelId}/messages`, status: 429, retryAfterSeconds: 1 });
    const handle = await w.sandbox.slashCommand({
      guildId: w.guildId,
      channelId: w.circleChannelId,
      userId: w.moderatorId,
      name: 'reflection',
      subcommand: 'post',
    });
    await expect.poll(() => postsTried(w).length).toBe(1);
    expect(await w.bot.services.reflections.claim(w.guildId, due!.key)).toBe(false);
    expect((await handle.reply()).content).toContain("counts as this week's");
    expect(reflections(w)).toHaveLength(1);
    await w.restart();
    expect(reflections(w)).toHaveLength(1);
  });

  it("GIVEN Discord takes the moderator's post THEN it counts as this week's, and the scheduled one does not post again", async () => {
    const w = await atTheSlot();
    expect((await postNow(w)).content).toContain("counts as this week's: the scheduled one won't post again");
    expect(reflections(w)).toHaveLength(1);
    expect(await dueGuilds(w)).toEqual([]);
    await w.restart();
    expect(reflections(w)).toHaveLength(1);
  });
});

describe('the weekly reflection, when Discord refuses its post at the slot', () => {
  /** discord.js sends a post up to 4 times when Discord answers 5xx (its default 3 retries): one attempt. */
  const REQUESTS_PER_ATTEMPT = 4;
  const ATTEMPTS = REFLECTION_RETRY_MINUTES.length + 1;
  const RETRYING = 'weekly reflection failed; it is tried again later';
  const GAVE_UP = `weekly reflection not posted this week: it failed ${ATTEMPTS} times, so the bot stopped trying`;

  /** A circle whose slot is next week's Wednesday 18:30 in London, the bot's clock 5 minutes before it. */
  async function beforeTheSlot() {
    const clock = movableClock();
    const slot = DateTime.now().setZone('Europe/London').plus({ weeks: 1 }).set({ weekday: 3, hour: 18, minute: 30, second: 0, millisecond: 0 }).toJSDate();
    clock.jumpTo(new Date(slot.getTime() - 5 * 60_000));
    const w = await readyWorld({ now: clock.now }, londonSlot(slot));
    return { w, clock, slot };
  }

  const postsTried = (w: World) =>
    w.sandbox.requests.filter((r) => r.route === 'POST /channels/:id/messages' && r.path.endsWith(`/channels/${w.circleChannelId}/messages`));
  const logged = (w: World, message: string) => w.logs.entries().filter((entry) => entry.msg === message);
  const refuse = (w: World, attempts: number) =>
    w.sandbox.failNext({ route: `POST /channels/${w.circleChannelId}/messages`, status: 500, times: attempts * REQUESTS_PER_ATTEMPT });
  const minutesAfter = (slot: Date, minutes: number) => new Date(slot.getTime() + minutes * 60_000 + 1_000);

  it('GIVEN Discord refuses the post at its slot THEN a later tick posts it, once, with the same nonce', async () => {
    const { w, clock, slot } = await beforeTheSlot();
    refuse(w, 1);
    clock.jumpTo(minutesAfter(slot, 0));
    await expect.poll(() => logged(w, RETRYING), { timeout: 5_000 }).toMatchObject([{ attempt: 1, attempts: ATTEMPTS }]);
    expect(reflections(w)).toHaveLength(0);
    // Not used up: the week is still due.
    expect((await w.bot.services.reflections.due()).map((due) => due.guildId)).toEqual([w.guildId]);

    clock.jumpTo(minutesAfter(slot, REFLECTION_RETRY_MINUTES[0]!));
    await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('This week in the circle'));
    // Stored as posted once Discord took it: no longer due.
    await expect.poll(async () => (await w.bot.services.reflections.due()).length).toBe(0);
    const tried = postsTried(w);
    expect(tried.map((r) => r.fault ?? null)).toEqual([...Array(REQUESTS_PER_ATTEMPT).fill('failNext'), null]);
    const nonces = new Set(tried.map((r) => (r.body as { nonce?: unknown }).nonce));
    expect(nonces.size).toBe(1);
    expect([...nonces][0]).toEqual(expect.any(String));
    expect(logged(w, RETRYING)).toHaveLength(1);
    expect(logged(w, GAVE_UP)).toHaveLength(0);
    // The start-up tick of each restart finds it posted.
    await w.restart();
    await w.restart();
    expect(reflections(w)).toHaveLength(1);
  });

  /** The bot's database refuses to store any reflection as posted (as a full disk would), until the returned undo. */
  async function refuseStoringReflections(w: World): Promise<() => Promise<void>> {
    const connection = new KeyvSqlite({ uri: w.storeUrl });
    for (const when of ['INSERT', 'UPDATE']) {
      await connection.query(
        `CREATE TRIGGER refuse_reflection_${when} BEFORE ${when} ON keyv WHEN NEW.key LIKE '%reflection-last%' BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
      );
    }
    return async () => {
      for (const when of ['INSERT', 'UPDATE']) await connection.query(`DROP TRIGGER refuse_reflection_${when}`);
      await connection.close();
    };
  }

  it('GIVEN Discord took the post but storing it as posted failed THEN later attempts only store it: one reflection, also after the nonce stops covering it', async () => {
    const { w, clock, slot } = await beforeTheSlot();
    const allowStoring = await refuseStoringReflections(w);
    clock.jumpTo(minutesAfter(slot, 0));
    await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('This week in the circle'));
    await expect.poll(() => logged(w, 'weekly reflection failed'), { timeout: 5_000 }).toHaveLength(1);
    // Past the few minutes Discord keeps a nonce: a second post now would show twice.
    clock.jumpTo(minutesAfter(slot, 10));
    await expect.poll(() => logged(w, RETRYING), { timeout: 5_000 }).toHaveLength(1);
    await allowStoring();
    clock.jumpTo(minutesAfter(slot, 10 + REFLECTION_RETRY_MINUTES[0]!));
    await expect.poll(async () => (await w.bot.services.reflections.due()).length, { timeout: 5_000 }).toBe(0);
    expect(postsTried(w)).toHaveLength(1);
    expect(reflections(w)).toHaveLength(1);
  });

  it('GIVEN Discord refuses every attempt THEN it stops trying after the last one and says so once in the log', async () => {
    const { w, clock, slot } = await beforeTheSlot();
    refuse(w, ATTEMPTS + 1);
    clock.jumpTo(minutesAfter(slot, 0));
    let minutes = 0;
    for (const [index, wait] of REFLECTION_RETRY_MINUTES.entries()) {
      await expect.poll(() => logged(w, RETRYING).length, { timeout: 5_000 }).toBe(index + 1);
      expect(postsTried(w)).toHaveLength((index + 1) * REQUESTS_PER_ATTEMPT);
      minutes += wait;
      clock.jumpTo(minutesAfter(slot, minutes));
    }
    await expect.poll(() => logged(w, GAVE_UP), { timeout: 5_000 }).toMatchObject([{ guildId: w.guildId, attempt: ATTEMPTS, attempts: ATTEMPTS }]);
    await expect.poll(() => logged(w, GAVE_UP), { timeout: 5_000 }).toMatchObject([{ guildId: w.guildId, attempt: ATTEMPTS, attempts: ATTEMPTS }]);
    expect(logged(w, RETRYING)).toHaveLength(ATTEMPTS - 1);
    expect(postsTried(w)).toHaveLength(ATTEMPTS * REQUESTS_PER_ATTEMPT);
    expect(reflections(w)).toHaveLength(0);
    // Given up: no longer due, not tried at later ticks (each restart's start-up tick), even hours later.
    expect(await w.bot.services.reflections.due()).toEqual([]);
    clock.jumpTo(minutesAfter(slot, 3 * 60));
    await w.restart();
    await w.restart();
    expect(postsTried(w)).toHaveLength(ATTEMPTS * REQUESTS_PER_ATTEMPT);
    expect(logged(w, GAVE_UP)).toHaveLength(1);
    expect(logged(w, 'weekly reflection failed')).toHaveLength(0);
  });
});

describe('the weekly reflection, drawn ahead of its slot', () => {
  /** Next week's Wednesday 18:00 in London: mid-week, so the reflection is on the week the test's help happens in. */
  function midWeekSlot(): Date {
    return DateTime.now().setZone('Europe/London').plus({ weeks: 1 }).set({ weekday: 3, hour: 18, minute: 0, second: 0, millisecond: 0 }).toJSDate();
  }

  /** A circle whose slot is 5 minutes away (within the lead), once its reflection has been drawn ahead. */
  async function preparedWorld() {
    const clock = movableClock();
    const slot = midWeekSlot();
    clock.jumpTo(new Date(slot.getTime() - 5 * 60_000));
    const w = await readyWorld({ now: clock.now }, londonSlot(slot));
    await expect.poll(() => preparedPasses(w)).toBe(1);
    return { w, clock, slot };
  }

  const logged = (w: World, message: string) => w.logs.entries().filter((entry) => entry.msg === message);
  const preparedPasses = (w: World) => logged(w, 'weekly reflections prepared ahead of their slot').length;

  /** `/reflection preview` now: the post as the bot composes and draws it on the spot. */
  const previewNow = (w: World) => reflectionCommand(w, 'preview');

  it('GIVEN its chart was drawn ahead WHEN the slot comes THEN the post is the same as one drawn at the slot', async () => {
    const { w, clock, slot } = await preparedWorld();
    clock.jumpTo(new Date(slot.getTime() + 1_000));
    const posted = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('This week in the circle'));
    await expect.poll(() => logged(w, 'weekly reflections posted')).toMatchObject([{ posted: 1, drawnAhead: 1, drawnAtSlot: 0 }]);
    const preview = await previewNow(w);
    expect(preview.content).toContain(posted.content);
    expect(posted.attachments[0]?.description).toBe(preview.attachments[0]?.description);
    expect(w.sandbox.attachmentData(posted.attachments[0]!.id)!.equals(w.sandbox.attachmentData(preview.attachments[0]!.id)!)).toBe(true);
  });

  it('GIVEN help is given after the chart was drawn WHEN the slot comes THEN the posted reflection and its chart count it', async () => {
    const { w, clock, slot } = await preparedWorld();
    await ask(w, w.memberId, 'Feeling low on Sundays');
    await offer(w, w.moderatorId, requestIdOf(await requestPost(w, 'Feeling low on Sundays')), 'Same here, a walk helps me');
    clock.jumpTo(new Date(slot.getTime() + 1_000));
    const posted = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('This week in the circle'));
    expect(posted.content).toContain('Help requests: a few raised, a few answered, a few still open.');
    expect(posted.content).toContain('Offers of help: a few made');
    expect(posted.attachments[0]?.description).toContain('Members who gave help: 0, 0, 0, 0, 0, 0, 0, a few.');
    const preview = await previewNow(w);
    expect(w.sandbox.attachmentData(posted.attachments[0]!.id)!.equals(w.sandbox.attachmentData(preview.attachments[0]!.id)!)).toBe(true);
  });

  it('GIVEN the bot restarts between drawing ahead and the slot THEN the reflection is posted once, with the help given before the restart', async () => {
    const { w, clock, slot } = await preparedWorld();
    await ask(w, w.memberId, 'Feeling low on Sundays');
    await offer(w, w.moderatorId, requestIdOf(await requestPost(w, 'Feeling low on Sundays')), 'Same here, a walk helps me');
    // Start-up runs a tick before the bot counts as started: the new process has drawn it ahead again.
    await w.restart();
    expect(preparedPasses(w)).toBe(2);
    clock.jumpTo(new Date(slot.getTime() + 1_000));
    const posted = await w.sandbox.waitForMessage(w.circleChannelId, (m) => m.content.includes('This week in the circle'));
    expect(posted.content).toContain('Offers of help: a few made');
    // And across a restart after the slot, whose start-up tick finds it posted.
    await w.restart();
    expect(reflections(w)).toHaveLength(1);
  });
});
