import { describe, expect, it } from 'vitest';
import { pressAndSubmit } from '../../../src/sandbox/components.ts';
import type { Sandbox } from '../../../src/sandbox/sandbox.ts';
import { TEST_TIMEOUT_MS, processesClosedAfterEach, type CircleGuild, type LogLine } from './processes.ts';

const open = processesClosedAfterEach();

/** Both processes serve the same shard: one owns it, the other waits. */
const SAME_SHARDS = { SHARD_COUNT: '1', SHARD_IDS: '0' };
const waitsAsStandby = (line: LogLine) => String(line.msg).startsWith('standby:');

async function command(sandbox: Sandbox, guild: CircleGuild, userId: string, name: string, subcommand: string, options: Record<string, string> = {}) {
  const handle = await sandbox.slashCommand({ guildId: guild.guildId, channelId: guild.circleChannelId, userId, name, subcommand, options });
  return handle.reply(15_000);
}

const posts = (sandbox: Sandbox, channelId: string, words: string) => sandbox.messages(channelId).filter((m) => m.content.includes(words));

/**
 * An owner serving the shard and a standby started while the circle gets going (not yet known to be
 * waiting): the circle set up and a meeting started on the owner, its first check-in posted. A meeting
 * minute of 1.5 s: the first round (5 minutes) lasts until well after the owner is killed.
 */
async function meetingWithStandby(options: { throughProxy: boolean }) {
  const world = await open({ meetingMinuteMs: 1_500, scheduleTickMs: 200 });
  const guild = world.addCircleGuild('Riverside Circle');
  if (options.throughProxy) await world.startProxy();
  const owner = world.startBot('owner', SAME_SHARDS);
  await owner.waitForLog('Helper Circle is ready');
  const standby = world.startBot('standby', SAME_SHARDS);

  const setUp = await command(world.sandbox, guild, guild.managerId, 'circle', 'setup', {
    channel: guild.circleChannelId,
    'mod-channel': guild.modChannelId,
    timezone: 'Europe/London',
    'moderator-role': guild.moderatorRoleId,
  });
  expect(setUp.content).toContain('Saved.');
  expect((await command(world.sandbox, guild, guild.moderatorId, 'meeting', 'start', { format: 'short' })).content).toContain('The meeting has started');
  const [thread] = world.sandbox.threads(guild.circleChannelId);
  if (!thread) throw new Error('No meeting thread');
  const checkIn = await world.sandbox.waitForMessage(thread.id, (m) => m.content.includes('**Round 1 of'), 15_000);
  return { world, guild, owner, standby, thread, checkIn };
}

describe('a standby process for the same shards', { timeout: TEST_TIMEOUT_MS }, () => {
  it('GIVEN a meeting running on the owner WHEN the owner is killed THEN the standby takes over, the meeting goes on with nothing acknowledged lost and no round twice, and the restarted owner waits as the standby', async () => {
    const { world, guild, owner, standby, thread, checkIn } = await meetingWithStandby({ throughProxy: true });
    const answer = await pressAndSubmit(world.sandbox, {
      userId: guild.memberId,
      guildId: guild.guildId,
      message: checkIn,
      label: 'Check in',
      fields: { text: 'Glad to be here tonight' },
    });
    expect((await answer.reply(15_000)).content).toContain('Thanks for checking in');

    await standby.waitForLog(waitsAsStandby);
    expect(world.sandbox.gatewaySessions).toBeLessThanOrEqual(1);

    // Acknowledged: now the owner dies at once, whatever it was doing.
    expect(await owner.kill9()).toEqual({ code: null, signal: 'SIGKILL' });
    await standby.waitForLog('Helper Circle is ready', 30_000);
    // The killed process is restarted (as its supervisor would) while the meeting goes on.
    const restarted = world.startBot('restarted owner', SAME_SHARDS);

    // The meeting goes on on its own: round 2 comes when round 1's time is up.
    await world.sandbox.waitForMessage(thread.id, (m) => m.content.includes('**Round 2 of'), 30_000);
    // The acknowledged check-in is in the thread, once (posted before the kill, or by the new owner from the store).
    await world.sandbox.waitForMessage(thread.id, (m) => m.content.includes('Glad to be here tonight'), 10_000);
    // And it is steered by the new owner.
    expect((await command(world.sandbox, guild, guild.moderatorId, 'meeting', 'next')).content).toContain('Moved on to round 3 of 5');
    await world.sandbox.waitForMessage(thread.id, (m) => m.content.includes('**Round 3 of'), 15_000);

    // The killed process, restarted, waits: the shard keeps one owner, connected once to Discord.
    await restarted.waitForLog(waitsAsStandby);
    expect(world.sandbox.gatewaySessions).toBeLessThanOrEqual(1);
    expect(world.sandbox.gatewayIdentifies.filter((identify) => identify.outcome === 'ready')).toHaveLength(2);
    expect(restarted.logs.some((line) => line.msg === 'Helper Circle is ready')).toBe(false);

    for (const round of [1, 2, 3]) expect(posts(world.sandbox, thread.id, `**Round ${round} of`)).toHaveLength(1);
    expect(posts(world.sandbox, thread.id, 'Glad to be here tonight')).toHaveLength(1);
    expect(posts(world.sandbox, guild.circleChannelId, 'has started')).toHaveLength(1);
  });

  it("GIVEN the owner is killed and a round's time runs out before the standby takes over THEN the standby moves the meeting on with one catch-up note and posts the next round once", async () => {
    const { world, guild, owner, standby, thread } = await meetingWithStandby({ throughProxy: false });
    await standby.waitForLog(waitsAsStandby);

    await owner.kill9();
    // While nobody serves the shard, the first round's 7.5 s run out (the clock jumps 9 s on).
    world.setClockOffset(9_000);
    await standby.waitForLog('Helper Circle is ready', 30_000);
    await world.sandbox.waitForMessage(thread.id, (m) => m.content.includes('I was away for a little while'), 15_000);
    await world.sandbox.waitForMessage(thread.id, (m) => m.content.includes('**Round 2 of'), 15_000);
    // A later step by the new owner: anything posted twice would be there by now.
    expect((await command(world.sandbox, guild, guild.moderatorId, 'meeting', 'next')).content).toContain('Moved on to round 3 of 5');
    await world.sandbox.waitForMessage(thread.id, (m) => m.content.includes('**Round 3 of'), 15_000);

    expect(posts(world.sandbox, thread.id, 'I was away for a little while')).toHaveLength(1);
    for (const round of [1, 2, 3]) expect(posts(world.sandbox, thread.id, `**Round ${round} of`)).toHaveLength(1);
  });
});
