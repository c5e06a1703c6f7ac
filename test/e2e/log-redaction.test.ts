import { PermissionFlagsBits, PermissionsBitField, RESTJSONErrorCodes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { setUpCircle } from './help-flow.ts';
import { worldsClosedAfterEach, type World } from './world.ts';

const openWorld = worldsClosedAfterEach();

/** What a member in crisis might type: it must reach the moderators, never the log. */
const CRISIS_WORDS = 'I want to kill myself tonight';

interface Logged {
  msg?: string;
  errorId?: string;
  err?: { route?: string; status?: number; code?: number; method?: string };
}

/** A set-up circle in which the bot has lost Send Messages (as when a server admin edits its role). */
async function circleWhereTheBotMayNotPost(): Promise<World> {
  const world = await openWorld();
  await setUpCircle(world);
  const guild = world.bot.client.guilds.cache.get(world.guildId)!;
  const botRole = guild.members.me!.roles.botRole!;
  const withoutSend = (permissions: PermissionsBitField) => new PermissionsBitField(permissions).remove(PermissionFlagsBits.SendMessages).bitfield;
  world.sandbox.setRolePermissions(world.guildId, botRole.id, withoutSend(botRole.permissions));
  world.sandbox.setRolePermissions(world.guildId, guild.roles.everyone.id, withoutSend(guild.roles.everyone.permissions));
  return world;
}

/** A member asks for help; returns the visible answer and the interaction's token. */
async function askInCrisis(world: World) {
  const handle = await world.sandbox.slashCommand({
    guildId: world.guildId,
    channelId: world.circleChannelId,
    userId: world.memberId,
    name: 'ask',
    options: { topic: CRISIS_WORDS },
  });
  const answer = await handle.reply();
  return { answer, token: handle.token };
}

/** Every token the bot used to answer an interaction in this world, as the sandbox recorded them. */
function interactionTokens(world: World): string[] {
  const tokens = world.sandbox.requests.map((request) => /^\/(?:interactions\/\d+|webhooks\/\d+)\/([^/]+)/.exec(request.path)?.[1]);
  return [...new Set(tokens.filter((token): token is string => token !== undefined))];
}

function expectNothingPrivate(world: World, tokens: readonly string[]): void {
  const log = world.logs.lines.join('\n');
  expect(log).not.toContain(CRISIS_WORDS);
  expect(log).not.toContain('kill myself');
  expect(log).not.toContain(world.sandbox.token);
  for (const token of tokens) expect(log).not.toContain(token);
}

describe('logs never carry member words or tokens', () => {
  it('GIVEN the bot may not post in the circle WHEN a member asks with crisis words THEN the failure is logged by route, status and Discord error code', async () => {
    const world = await circleWhereTheBotMayNotPost();
    await askInCrisis(world);
    const failure = (world.logs.entries() as Logged[]).find((entry) => entry.msg === 'could not post a help request');
    expect(failure?.err).toMatchObject({
      method: 'POST',
      route: `/channels/${world.circleChannelId}/messages`,
      status: 403,
      code: RESTJSONErrorCodes.MissingPermissions,
    });
  });

  it('GIVEN the bot may not post in the circle WHEN a member asks with crisis words THEN no log line carries the words, the bot token or an interaction token', async () => {
    const world = await circleWhereTheBotMayNotPost();
    const { answer, token } = await askInCrisis(world);
    expect(answer.ephemeral).toBe(true);
    expect(world.logs.lines.length).toBeGreaterThan(0);
    expectNothingPrivate(world, [token, ...interactionTokens(world)]);
  });

  it('GIVEN Discord refuses the reply to a member WHEN the bot logs the failure THEN the line has the callback route without its token, the status and an error id', async () => {
    const world = await openWorld();
    await setUpCircle(world);
    world.sandbox.failNext({ route: 'POST /interactions/:id/:token/callback', status: 500, times: 4 });
    const { answer, token } = await askInCrisis(world);
    const errorId = /code: ([0-9A-F]{8})/.exec(answer.content ?? '')?.[1];
    expect(errorId).toBeDefined();
    const failure = (world.logs.entries() as Logged[]).find((entry) => entry.errorId === errorId);
    expect(failure?.err?.route).toMatch(/^\/interactions\/\d+\/\[token\]\/callback$/);
    expect(failure?.err?.status).toBe(500);
    expectNothingPrivate(world, [token, ...interactionTokens(world)]);
  });
});
