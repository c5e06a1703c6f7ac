import { describe, expect, it } from 'vitest';
import { worldsClosedAfterEach, type World } from './world.ts';

const openWorld = worldsClosedAfterEach();

type Embed = { title?: string; fields?: Array<{ name: string; value: string }> };
const field = (embeds: Embed[] | undefined, name: string) => embeds?.[0]?.fields?.find((f) => f.name === name)?.value;

async function setup(w: World, userId: string, options: Record<string, string | number | boolean>) {
  const handle = await w.sandbox.slashCommand({
    guildId: w.guildId,
    channelId: w.circleChannelId,
    userId,
    name: 'circle',
    subcommand: 'setup',
    options,
  });
  return handle.reply();
}

async function show(w: World, userId: string) {
  const handle = await w.sandbox.slashCommand({ guildId: w.guildId, channelId: w.circleChannelId, userId, name: 'circle', subcommand: 'show' });
  return handle.reply();
}

describe('the bot on a Discord server', () => {
  it('GIVEN a fresh start THEN it registers /circle with bodies Discord accepts', async () => {
    const world = await openWorld();
    expect(world.bot.commandSync).toBe('registered');
    const names = (world.sandbox.registeredCommands() as Array<{ name: string }>).map((command) => command.name);
    expect(names).toContain('circle');
    expect(world.sandbox.validationFailures).toEqual([]);
  });

  it('GIVEN DEV_GUILD_ID THEN the commands are registered to that server only', async () => {
    const world = await openWorld({ devGuild: true });
    expect((world.sandbox.registeredCommands(world.guildId) as Array<{ name: string }>).map((c) => c.name)).toContain('circle');
    expect(world.sandbox.registeredCommands()).toEqual([]);
  });

  it('GIVEN a manager runs /circle setup THEN a moderator sees the same set-up with /circle show', async () => {
    const world = await openWorld();
    const saved = await setup(world, world.managerId, {
      channel: world.circleChannelId,
      'moderator-role': world.moderatorRoleId,
      'mod-channel': world.modChannelId,
      timezone: 'Europe/London',
      'crisis-resources': 'Samaritans: call 116 123, any time.',
      'reflection-day': 'mon',
      'reflection-time': '19:30',
    });
    expect(saved.ephemeral).toBe(true);
    expect(saved.content).toMatch(/^Saved/);

    const shown = await show(world, world.moderatorId);
    expect(shown.ephemeral).toBe(true);
    const embeds = shown.embeds as Embed[];
    expect(field(embeds, 'Circle channel')).toBe(`<#${world.circleChannelId}>`);
    expect(field(embeds, "Moderators' channel")).toBe(`<#${world.modChannelId}>`);
    expect(field(embeds, 'Moderator role')).toBe(`<@&${world.moderatorRoleId}>`);
    expect(field(embeds, 'Group time zone')).toBe('Europe/London');
    expect(field(embeds, 'Weekly reflection')).toBe('Mondays at 19:30 (Europe/London)');
    expect(field(embeds, 'Crisis resources shown to members')).toBe('Samaritans: call 116 123, any time.');
  });

  it('GIVEN a member without Manage Server THEN /circle setup is refused ephemerally and nothing is stored', async () => {
    const world = await openWorld();
    const refused = await setup(world, world.memberId, { channel: world.circleChannelId });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(/Only people who can manage this server/);
    expect((await show(world, world.managerId)).content).toMatch(/isn't set up yet/);
  });

  it('GIVEN a member who is not a moderator THEN /circle show is refused ephemerally', async () => {
    const world = await openWorld();
    await setup(world, world.managerId, { channel: world.circleChannelId, 'moderator-role': world.moderatorRoleId });
    const refused = await show(world, world.memberId);
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(/for the circle's moderators/);
  });

  it('GIVEN the time zone Mars/Olympus THEN setup answers ephemerally with what to do and changes nothing', async () => {
    const world = await openWorld();
    await setup(world, world.managerId, { channel: world.circleChannelId, timezone: 'Asia/Kolkata' });
    const refused = await setup(world, world.managerId, { channel: world.modChannelId, timezone: 'Mars/Olympus' });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('"Mars/Olympus" isn\'t a time zone I know');
    expect(refused.content).toContain('Europe/London');
    const embeds = (await show(world, world.managerId)).embeds as Embed[];
    expect(field(embeds, 'Group time zone')).toBe('Asia/Kolkata');
    expect(field(embeds, 'Circle channel')).toBe(`<#${world.circleChannelId}>`);
  });

  it('GIVEN a reflection time of 25:00 THEN setup refuses it and says how to write a time', async () => {
    const world = await openWorld();
    const refused = await setup(world, world.managerId, { channel: world.circleChannelId, 'reflection-time': '25:00' });
    expect(refused.content).toMatch(/24-hour HH:MM/);
  });

  it('GIVEN a manager typing a time zone THEN autocomplete suggests matching IANA zones', async () => {
    const world = await openWorld();
    const choices = await world.sandbox.autocomplete({
      guildId: world.guildId,
      channelId: world.circleChannelId,
      userId: world.managerId,
      name: 'circle',
      subcommand: 'setup',
      options: { channel: world.circleChannelId, timezone: 'lond' },
      focused: 'timezone',
    });
    expect(choices[0]).toEqual({ name: 'Europe/London', value: 'Europe/London' });
    expect(choices.length).toBeLessThanOrEqual(25);
  });

  it('GIVEN crisis text with @everyone and a role mention THEN the answer can ping nobody', async () => {
    const world = await openWorld();
    await setup(world, world.managerId, {
      channel: world.circleChannelId,
      'crisis-resources': `@everyone <@&${world.moderatorRoleId}> call 999`,
    });
    const answers = world.sandbox.requests.filter((request) => /callback|webhooks/.test(request.route));
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers) {
      const body = answer.body as { data?: { allowed_mentions?: unknown }; allowed_mentions?: unknown };
      expect(body.data?.allowed_mentions ?? body.allowed_mentions).toMatchObject({ parse: [] });
    }
  });
});

describe('keeping going', () => {
  it('GIVEN settings saved WHEN the bot restarts on the same store THEN they are still there and commands are not re-registered', async () => {
    const world = await openWorld();
    await setup(world, world.managerId, { channel: world.circleChannelId, timezone: 'America/New_York' });
    const before = world.sandbox.requests.length;
    const bot = await world.restart();
    expect(bot.commandSync).toBe('unchanged');
    const registrations = world.sandbox.requests.slice(before).filter((request) => request.method === 'PUT' && /commands/.test(request.route));
    expect(registrations).toEqual([]);
    expect(field((await show(world, world.managerId)).embeds as Embed[], 'Group time zone')).toBe('America/New_York');
  });

  it('GIVEN Discord answers the reply with a 429 THEN the bot waits and the member still gets the answer', async () => {
    const world = await openWorld();
    world.sandbox.failNext({ route: /callback/, status: 429, retryAfterSeconds: 0.3 });
    const answer = await show(world, world.managerId);
    expect(answer.content).toMatch(/isn't set up yet/);
    expect(world.sandbox.requests.some((request) => request.status === 429)).toBe(true);
  });

  it('GIVEN the gateway asks the bot to reconnect THEN it resumes and still answers commands', async () => {
    const world = await openWorld();
    world.sandbox.reconnectGateway();
    const answer = await show(world, world.managerId);
    expect(answer.content).toMatch(/isn't set up yet/);
  });

  it('GIVEN the gateway connection drops THEN the bot reconnects and still answers commands', async () => {
    const world = await openWorld();
    world.sandbox.dropConnections();
    const answer = await show(world, world.managerId);
    expect(answer.content).toMatch(/isn't set up yet/);
  });

  it('GIVEN the bot defers every answer THEN the member still gets the answer, as an edit of the deferral', async () => {
    const world = await openWorld({ deferAfterMs: 0 });
    const handle = await world.sandbox.slashCommand({
      guildId: world.guildId,
      channelId: world.circleChannelId,
      userId: world.managerId,
      name: 'circle',
      subcommand: 'show',
    });
    expect((await handle.firstResponse()).type).toBe(5);
    const answer = await handle.reply();
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toMatch(/isn't set up yet/);
  });

  it('GIVEN the store fails under a command THEN the member gets an error code that is also in the log', async () => {
    const world = await openWorld();
    await world.bot.store.close();
    const answer = await setup(world, world.managerId, { channel: world.circleChannelId, timezone: 'Europe/Paris' });
    expect(answer.ephemeral).toBe(true);
    const code = /code: ([0-9A-F]{8})/.exec(answer.content ?? '')?.[1];
    expect(code).toBeDefined();
    const logged = world.logs.entries().find((entry) => entry.errorId === code);
    expect(logged?.msg).toBe('unexpected failure');
    expect(world.logs.lines.join('\n')).not.toContain(world.sandbox.token);
  });
});
