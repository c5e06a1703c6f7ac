import { describe, expect, it } from 'vitest';
import { pressAndSubmit } from '../../../src/sandbox/components.ts';
import type { Sandbox } from '../../../src/sandbox/sandbox.ts';
import { londonSlot } from '../world.ts';
import { TEST_TIMEOUT_MS, processesClosedAfterEach, type CircleGuild } from './processes.ts';

const open = processesClosedAfterEach();

async function command(sandbox: Sandbox, guild: CircleGuild, userId: string, name: string, subcommand: string, options: Record<string, string | number>) {
  const handle = await sandbox.slashCommand({ guildId: guild.guildId, channelId: guild.circleChannelId, userId, name, subcommand, options });
  return handle.reply(15_000);
}

const openings = (sandbox: Sandbox, guild: CircleGuild) => sandbox.messages(guild.circleChannelId).filter((m) => m.content.includes('has started'));
const reflections = (sandbox: Sandbox, guild: CircleGuild) =>
  sandbox.messages(guild.circleChannelId).filter((m) => m.content.includes('This week in the circle'));

/** The guild's meeting thread: the one thread under its circle channel in these tests. */
function meetingThread(sandbox: Sandbox, guild: CircleGuild): string {
  const [thread] = sandbox.threads(guild.circleChannelId);
  if (!thread) throw new Error(`No meeting thread in guild ${guild.guildId}`);
  return thread.id;
}

describe('two bot processes, one shard each, through one REST proxy and one PostgreSQL', { timeout: TEST_TIMEOUT_MS }, () => {
  it('GIVEN 20 circles spread over both shards WHEN each sets up a schedule and a reflection for the same minute THEN in every circle commands and buttons answer, the meeting starts once and runs, and the reflection is posted once', async () => {
    const world = await open({ sandbox: { recommendedShards: 2 }, meetingMinuteMs: 1_500, scheduleTickMs: 200 });
    const guilds = Array.from({ length: 20 }, (_, index) => world.addCircleGuild(`Circle ${index}`, [index % 2, 2]));
    await world.startProxy();
    const bots = [0, 1].map((shard) => world.startBot(`shard ${shard}`, { SHARD_COUNT: '2', SHARD_IDS: String(shard) }));
    const ready = await Promise.all(bots.map((bot) => bot.waitForLog('Helper Circle is ready')));
    // Each process is given its own shard's half of the servers by Discord, and serves only those.
    expect(ready.map((line) => line.guilds)).toEqual([10, 10]);
    expect(world.sandbox.gatewayIdentifies.filter((identify) => identify.outcome === 'ready').map((identify) => identify.shard)).toEqual(
      expect.arrayContaining([
        [0, 2],
        [1, 2],
      ]),
    );

    // A minute far enough ahead that nothing fires while the circles are set up; the clocks jump to it after.
    const slot = new Date(Math.ceil((Date.now() + 5 * 60_000) / 60_000) * 60_000);
    const { weekday, time } = londonSlot(slot);
    await Promise.all(
      guilds.map(async (guild) => {
        const setUp = await command(world.sandbox, guild, guild.managerId, 'circle', 'setup', {
          channel: guild.circleChannelId,
          'mod-channel': guild.modChannelId,
          timezone: 'Europe/London',
          'moderator-role': guild.moderatorRoleId,
          'reflection-day': weekday,
          'reflection-time': time,
        });
        expect(setUp.content).toContain('Saved. This is how the circle is set up now');
        const scheduled = await command(world.sandbox, guild, guild.moderatorId, 'schedule', 'add', {
          name: 'Evening circle',
          weekday,
          time,
          reminder: 0,
          format: 'short',
          duration: 30,
        });
        expect(scheduled.content).toContain('Scheduled: **Evening circle**');
      }),
    );

    world.setClockOffset(slot.getTime() + 500 - Date.now());
    await Promise.all(
      guilds.map(async (guild) => {
        await world.sandbox.waitForMessage(guild.circleChannelId, (m) => m.content.includes('has started'), 20_000);
        await world.sandbox.waitForMessage(guild.circleChannelId, (m) => m.content.includes('This week in the circle'), 20_000);
        const thread = meetingThread(world.sandbox, guild);
        const checkIn = await world.sandbox.waitForMessage(thread, (m) => m.content.includes('**Round 1 of'), 10_000);
        const answer = await pressAndSubmit(world.sandbox, {
          userId: guild.memberId,
          guildId: guild.guildId,
          message: checkIn,
          label: 'Check in',
          fields: { text: `Here from ${guild.guildId}` },
        });
        expect((await answer.reply(15_000)).content).toContain('Thanks for checking in');
        await world.sandbox.waitForMessage(thread, (m) => m.content.includes(`Here from ${guild.guildId}`), 10_000);
        // The meeting runs on its own: the next round comes when the first one's time is up.
        await world.sandbox.waitForMessage(thread, (m) => m.content.includes('**Round 2 of'), 20_000);
      }),
    );

    // Round 2 comes well after the slot's ticks: a second opening or reflection would have been posted by now.
    for (const guild of guilds) {
      expect(openings(world.sandbox, guild)).toHaveLength(1);
      expect(reflections(world.sandbox, guild)).toHaveLength(1);
      const thread = meetingThread(world.sandbox, guild);
      expect(world.sandbox.messages(thread).filter((m) => m.content.includes('**Round 1 of'))).toHaveLength(1);
    }
    expect(world.sandbox.validationFailures).toEqual([]);
    for (const bot of bots) expect(bot.logs.filter((line) => (line.level ?? 0) >= 50)).toEqual([]);
  });
});
