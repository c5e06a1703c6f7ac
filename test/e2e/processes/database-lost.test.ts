import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/sandbox/sandbox.ts';
import { POSTGRES_URL, TEST_TIMEOUT_MS, processesClosedAfterEach, type CircleGuild } from './processes.ts';

const open = processesClosedAfterEach();

async function ask(sandbox: Sandbox, guild: CircleGuild, topic: string) {
  const handle = await sandbox.slashCommand({
    guildId: guild.guildId,
    channelId: guild.circleChannelId,
    userId: guild.memberId,
    name: 'ask',
    options: { topic },
  });
  return handle.reply(15_000);
}

/** The stored help requests of a guild, read straight from PostgreSQL: what survives whatever the bot believes. */
async function storedRequests(schema: string, guild: CircleGuild): Promise<string[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const rows = await client.query<{ value: string }>(`SELECT value FROM ${schema}.keyv WHERE key LIKE $1`, [`hc:guild:${guild.guildId}:request:%`]);
    return rows.rows.map((row) => (JSON.parse(row.value) as { value: { topic: string } }).value.topic).sort();
  } finally {
    await client.end();
  }
}

async function setUpCircle(sandbox: Sandbox, guild: CircleGuild) {
  const handle = await sandbox.slashCommand({
    guildId: guild.guildId,
    channelId: guild.circleChannelId,
    userId: guild.managerId,
    name: 'circle',
    subcommand: 'setup',
    options: { channel: guild.circleChannelId, 'mod-channel': guild.modChannelId, timezone: 'Europe/London' },
  });
  return handle.reply(15_000);
}

/** A bot reaching PostgreSQL through a link the test can cut, its circle set up and one request stored. */
async function servingThroughLink() {
  const world = await open();
  const guild = world.addCircleGuild('Riverside Circle');
  const link = await world.linkToDatabase();
  const bot = world.startBot('bot', { STORE_URL: link.storeUrl });
  await bot.waitForLog('Helper Circle is ready');
  expect((await setUpCircle(world.sandbox, guild)).content).toContain('Saved.');
  expect((await ask(world.sandbox, guild, 'Sleeping badly this month')).content).toContain('Your request is up in');
  return { world, guild, link, bot };
}

describe('PostgreSQL lost while the bot runs', { timeout: TEST_TIMEOUT_MS }, () => {
  it('GIVEN the database cannot be reached WHEN a member asks for help THEN they are told privately to try again in a moment, nothing of it is kept, and once the database is back asking works', async () => {
    const { world, guild, link, bot } = await servingThroughLink();

    link.cutStore();
    const refused = await ask(world.sandbox, guild, 'Finding a new flat');
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('try again in a moment');

    link.restore();
    // As the member was told: a moment later, asking works. (A commit still failing on the cut link
    // refuses what was handed over behind it, so the first try after the restore may be asked to wait.)
    await expect
      .poll(async () => (await ask(world.sandbox, guild, 'Talking to my landlord')).content, { timeout: 30_000, interval: 500 })
      .toContain('Your request is up in');
    await world.sandbox.waitForMessage(guild.circleChannelId, (m) => m.content.includes('Talking to my landlord'), 15_000);
    expect(world.sandbox.messages(guild.circleChannelId).filter((m) => m.content.includes('Finding a new flat'))).toEqual([]);
    expect(await storedRequests(world.schema, guild)).toEqual(['Sleeping badly this month', 'Talking to my landlord']);
    expect(bot.running).toBe(true);
  });

  it('GIVEN a bot serving on PostgreSQL WHEN the database is gone altogether, its shard lease with it THEN the bot stops serving with exit code 1 and a plain reason, and started again once the database is back it has everything stored before', async () => {
    const { world, guild, link, bot } = await servingThroughLink();

    link.cut();
    // It cannot know whether another process took its shards over meanwhile, so it stops serving them.
    expect(await bot.exited).toEqual({ code: 1, signal: null });
    expect(bot.stderr).toContain('Helper Circle stopped serving: This process no longer holds its shards');
    await expect.poll(() => world.sandbox.gatewaySessions).toBe(0);

    link.restore();
    const restarted = world.startBot('restarted bot', { STORE_URL: link.storeUrl });
    await restarted.waitForLog('Helper Circle is ready');
    expect((await ask(world.sandbox, guild, 'Talking to my landlord')).content).toContain('Your request is up in');
    expect(await storedRequests(world.schema, guild)).toEqual(['Sleeping badly this month', 'Talking to my landlord']);
  });
});
