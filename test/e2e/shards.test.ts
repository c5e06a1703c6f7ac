import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MemoryLogSink } from '../../src/logging/logger.ts';
import { leaseNamespace } from '../../src/store/shard-leases.ts';
import { POSTGRES_URL } from '../storage/sqlite-file.ts';
import { londonSlot, movableClock } from './world.ts';
import { twoShardWorldsClosedAfterEach, type ShardGuild, type TwoShardWorld } from './two-shards.ts';

const openWorld = twoShardWorldsClosedAfterEach();

async function command(
  world: TwoShardWorld,
  guild: ShardGuild,
  userId: string,
  name: string,
  subcommand: string | undefined,
  options: Record<string, string | number>,
) {
  const handle = await world.sandbox.slashCommand({ guildId: guild.guildId, channelId: guild.circleChannelId, userId, name, subcommand, options });
  return handle.reply();
}

const setUpCircle = (world: TwoShardWorld, guild: ShardGuild) =>
  command(world, guild, guild.managerId, 'circle', 'setup', {
    channel: guild.circleChannelId,
    'mod-channel': guild.modChannelId,
    timezone: 'Europe/London',
    'moderator-role': guild.moderatorRoleId,
    'member-role': guild.memberRoleId,
  });

const openings = (world: TwoShardWorld, guild: ShardGuild) =>
  world.sandbox.messages(guild.circleChannelId).filter((message) => message.content.includes('has started'));

describe('two processes, one per shard, on one PostgreSQL store', () => {
  it('GIVEN servers on both shards WHEN members set up a circle and ask for help in each THEN every server is answered, by the process serving its shard', async () => {
    const world = await openWorld();
    for (const guild of world.guilds) {
      expect((await setUpCircle(world, guild)).content).toContain('Saved.');
      const asked = await command(world, guild, guild.memberId, 'ask', undefined, { topic: `Moving house in ${guild.guildId}` });
      expect(asked.ephemeral).toBe(true);
      await world.sandbox.waitForMessage(guild.circleChannelId, (message) => message.content.includes(`Moving house in ${guild.guildId}`));
    }
    // Each process's client holds only the servers of its own shard.
    const byShard = (shard: number) => world.guilds.filter((guild) => guild.shard === shard).map((guild) => guild.guildId);
    expect([...world.bots[0].client.guilds.cache.keys()].sort()).toEqual(byShard(0).sort());
    expect([...world.bots[1].client.guilds.cache.keys()].sort()).toEqual(byShard(1).sort());
  });

  it('GIVEN a schedule in every server WHEN its minute comes THEN each meeting starts exactly once, started by the process of its shard only', async () => {
    const clock = movableClock();
    const world = await openWorld({ now: clock.now, scheduleTickMs: 200, meetingMinuteMs: 60_000 });
    const start = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000);
    for (const guild of world.guilds) {
      await setUpCircle(world, guild);
      const added = await command(world, guild, guild.moderatorId, 'schedule', 'add', {
        name: 'Evening circle',
        ...londonSlot(start),
        format: 'short',
        duration: 30,
      });
      expect(added.content).toContain('Scheduled: **Evening circle**');
    }
    // Both processes see every schedule in the shared store, but each lists only its own shard's.
    for (const [shard, bot] of world.bots.entries()) {
      const own = world.guilds.filter((guild) => guild.shard === shard).map((guild) => guild.guildId);
      expect((await bot.services.schedules.guildIds()).sort()).toEqual(own.sort());
    }

    clock.jumpTo(new Date(start.getTime() + 100));
    for (const guild of world.guilds) await world.sandbox.waitForMessage(guild.circleChannelId, (message) => message.content.includes('has started'));
    // Stopping waits for every tick in progress: whatever either process was about to post is posted by then.
    await Promise.all(world.bots.map((bot) => bot.stop()));
    for (const guild of world.guilds) expect(openings(world, guild)).toHaveLength(1);
  });
});

describe('a standby process for the same shard', () => {
  it('GIVEN a process serving shard 0 WHEN a second one for shard 0 starts THEN it waits as a standby without connecting to Discord, and takes over once the first is gone', async () => {
    const world = await openWorld();
    const [guild] = world.guilds.filter((each) => each.shard === 0);
    const standbyLogs = new MemoryLogSink();
    const standby = world.startBot(0, standbyLogs);
    await expect.poll(() => messagesOf(standbyLogs)).toContain('standby: shards 0 are served by another process; waiting to take over');
    expect(world.sandbox.gatewayShards.filter(([id]) => id === 0)).toHaveLength(1);

    await world.bots[0].stop();
    const takenOver = await standby;
    expect(messagesOf(standbyLogs)).toContain('serving shards 0');
    expect((await setUpCircle(world, guild!)).content).toContain('Saved.');
    expect(takenOver.client.guilds.cache.has(guild!.guildId)).toBe(true);
  });

  it('GIVEN a process serving shard 0 WHEN its connection to PostgreSQL is cut THEN it stops serving and says so, and the standby takes over and answers', async () => {
    const world = await openWorld();
    const [guild] = world.guilds.filter((each) => each.shard === 0);
    const standbyLogs = new MemoryLogSink();
    const standby = world.startBot(0, standbyLogs);
    await expect.poll(() => messagesOf(standbyLogs)).toContain('standby: shards 0 are served by another process; waiting to take over');
    await cutLeaseConnection(world, 0);
    await expect.poll(() => messagesOf(world.logs[0])).toContain('shard leases lost: this process stops serving its shards');
    const takenOver = await standby;
    expect((await setUpCircle(world, guild!)).content).toContain('Saved.');
    expect(takenOver.client.guilds.cache.has(guild!.guildId)).toBe(true);
    // The old owner left the gateway: shard 0 has one session, the new owner's.
    await expect.poll(() => world.sandbox.gatewayShards.filter(([id]) => id === 0)).toHaveLength(1);
  });
});

const messagesOf = (logs: MemoryLogSink) => logs.entries().map((entry) => entry.msg);

/** Ends, from the server's side, the connection holding `shard`'s lock: a dead process or a cut network. */
async function cutLeaseConnection(world: TwoShardWorld, shard: number): Promise<void> {
  const schema = new URL(world.storeUrl).searchParams.get('schema')!;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::oid AND objid = $2::oid AND objsubid = 2 AND granted",
      [leaseNamespace(schema), shard],
    );
  } finally {
    await admin.end();
  }
}
