import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  GuildScheduledEventEntityType,
  GuildScheduledEventPrivacyLevel,
  type TextChannel,
} from 'discord.js';
import { Permission } from '../../src/sandbox/permissions.ts';
import { eventually, startWorld, type World } from './harness.ts';

describe('sandbox REST', () => {
  let world: World;
  let channel: TextChannel;
  beforeAll(async () => {
    world = await startWorld();
    channel = world.client.channels.cache.get(world.channel.id) as TextChannel;
  });
  afterAll(() => world.close());

  it('GIVEN channel.send THEN the message is stored with allowed_mentions as sent', async () => {
    const sent = await channel.send({ content: 'hello <@123>', allowedMentions: { parse: [] } });
    const stored = world.sandbox.messages(world.channel.id).find((m) => m.id === sent.id)!;
    expect(stored).toMatchObject({ content: 'hello <@123>', allowed_mentions: { parse: [] }, author: { id: world.sandbox.botUser.id } });
    expect(sent.author.id).toBe(world.client.user!.id);
  });

  it('GIVEN waitForMessage THEN it resolves on a later matching message', async () => {
    const waiting = world.sandbox.waitForMessage(world.channel.id, (m) => m.content === 'later');
    await channel.send('later');
    expect((await waiting).content).toBe('later');
  });

  it('GIVEN a message over 2000 characters THEN it is refused with 400 and recorded', async () => {
    const failures = world.sandbox.validationFailures.length;
    await expect(channel.send('x'.repeat(2001))).rejects.toMatchObject({ status: 400, code: 50035 });
    expect(world.sandbox.validationFailures.slice(failures)).toEqual([
      {
        route: 'POST /channels/:id/messages',
        errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } },
      },
    ]);
    await expect(channel.send('x'.repeat(2000))).resolves.toBeTruthy();
  });

  it('GIVEN 11 embeds or more than 6000 embed characters THEN the message is refused', async () => {
    const embeds = Array.from({ length: 11 }, (_, i) => new EmbedBuilder().setTitle(`e${i}`));
    await expect(channel.send({ embeds })).rejects.toMatchObject({ code: 50035 });
    const big = [0, 1].map(() => new EmbedBuilder().setDescription('y'.repeat(3500)));
    await expect(channel.send({ embeds: big })).rejects.toMatchObject({ code: 50035 });
  });

  it('GIVEN six buttons in a row or six rows THEN the message is refused', async () => {
    const button = (i: number) => new ButtonBuilder().setCustomId(`b${i}`).setLabel(`B${i}`).setStyle(ButtonStyle.Primary);
    const wide = new ActionRowBuilder<ButtonBuilder>().addComponents([0, 1, 2, 3, 4, 5].map(button));
    await expect(channel.send({ content: 'x', components: [wide] })).rejects.toMatchObject({ code: 50035 });
    const rows = [0, 1, 2, 3, 4, 5].map((i) => new ActionRowBuilder<ButtonBuilder>().addComponents(button(i)));
    await expect(channel.send({ content: 'x', components: rows })).rejects.toMatchObject({ code: 50035 });
  });

  it('GIVEN a nonce with enforce_nonce THEN a repeat returns the original message instead of a new one', async () => {
    const first = await channel.send({ content: 'round 1 starts', nonce: 'meeting-42-round-1', enforceNonce: true });
    const again = await channel.send({ content: 'round 1 starts', nonce: 'meeting-42-round-1', enforceNonce: true });
    expect(again.id).toBe(first.id);
    expect(world.sandbox.messages(world.channel.id).filter((m) => m.content === 'round 1 starts')).toHaveLength(1);
    const other = await channel.send({ content: 'round 1 starts', nonce: 'meeting-42-round-1' });
    expect(other.id).not.toBe(first.id);
  });

  it('GIVEN edit and delete THEN messages() shows the current content', async () => {
    const sent = await channel.send('draft');
    await sent.edit('final');
    expect(world.sandbox.messages(world.channel.id).find((m) => m.id === sent.id)).toMatchObject({ content: 'final', edited_timestamp: expect.any(String) });
    await sent.delete();
    expect(world.sandbox.messages(world.channel.id).some((m) => m.id === sent.id)).toBe(false);
  });

  it('GIVEN failNext 429 THEN discord.js waits Retry-After, retries and the message arrives', async () => {
    world.sandbox.failNext({ route: 'POST /channels/:id/messages', status: 429, retryAfterSeconds: 0.2 });
    const start = Date.now();
    const sent = await channel.send('after rate limit');
    expect(Date.now() - start).toBeGreaterThanOrEqual(150);
    expect(world.sandbox.messages(world.channel.id).some((m) => m.id === sent.id)).toBe(true);
    const attempts = world.sandbox.requests.filter((r) => r.route === 'POST /channels/:id/messages' && r.body?.content === 'after rate limit');
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    expect(attempts[0]!.fault).toBe('failNext');
  });

  it('GIVEN failNext 500 twice THEN discord.js retries and succeeds', async () => {
    world.sandbox.failNext({ route: /^POST \/channels\/\d+\/messages$/, status: 500, times: 2 });
    const sent = await channel.send('after 5xx');
    const attempts = world.sandbox.requests.filter((r) => r.body?.content === 'after 5xx');
    expect(attempts.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(sent.content).toBe('after 5xx');
  });

  it('GIVEN an unknown route or a missing token THEN the sandbox answers 404 / 401 like Discord and records it', async () => {
    const notFound = await fetch(`${world.sandbox.apiUrl}/v10/nowhere`, { headers: { Authorization: `Bot ${world.sandbox.token}` } });
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ message: '404: Not Found', code: 0 });
    const unauth = await fetch(`${world.sandbox.apiUrl}/v10/users/@me`);
    expect(unauth.status).toBe(401);
    expect(await unauth.json()).toEqual({ message: '401: Unauthorized', code: 0 });
    expect(world.sandbox.requests.slice(-2).map((r) => [r.route, r.status, r.authorized])).toEqual([
      ['GET /nowhere', 404, true],
      ['GET /users/@me', 401, false],
    ]);
  });

  it('GIVEN a channel where @everyone may not send THEN the bot gets 403 Missing Permissions', async () => {
    const readOnly = world.sandbox.createChannel(world.guild.id, {
      name: 'announcements',
      permissionOverwrites: [{ id: world.guild.id, type: 0, deny: Permission.SendMessages }],
    });
    const target = (await eventually(() => world.client.channels.cache.get(readOnly.id))) as TextChannel;
    await expect(target.send('hello')).rejects.toMatchObject({ status: 403, code: 50013 });
    const hidden = world.sandbox.createChannel(world.guild.id, {
      name: 'mods-only',
      permissionOverwrites: [{ id: world.sandbox.botUser.id, type: 1, deny: Permission.ViewChannel }],
    });
    const hiddenChannel = (await eventually(() => world.client.channels.cache.get(hidden.id))) as TextChannel;
    await expect(hiddenChannel.send('hello')).rejects.toMatchObject({ status: 403, code: 50001 });
  });

  it('GIVEN guild reads THEN channels, roles and members come from the sandbox', async () => {
    const guild = world.client.guilds.cache.get(world.guild.id)!;
    const member = await guild.members.fetch(world.member.user.id);
    expect(member.user.username).toBe('alice');
    const channels = await guild.channels.fetch();
    expect(channels.has(world.channel.id)).toBe(true);
    const roles = await guild.roles.fetch();
    expect(roles.has(world.guild.id)).toBe(true);
    const fetched = await world.client.channels.fetch(world.channel.id, { force: true });
    expect(fetched?.id).toBe(world.channel.id);
  });

  it('GIVEN channel.threads.create and message.startThread THEN threads are created and dispatched', async () => {
    const thread = await channel.threads.create({ name: 'meeting-1' });
    const starter = await channel.send('discuss here');
    const fromMessage = await starter.startThread({ name: 'follow-up' });
    expect(fromMessage.id).toBe(starter.id);
    expect(
      world.sandbox
        .threads(world.channel.id)
        .map((t) => t.name)
        .sort(),
    ).toEqual(['follow-up', 'meeting-1']);
    await thread.send('inside the thread');
    expect(world.sandbox.messages(thread.id).map((m) => m.content)).toEqual(['inside the thread']);
  });

  it('GIVEN scheduled events THEN create, edit and delete work and a past start is refused', async () => {
    const guild = world.client.guilds.cache.get(world.guild.id)!;
    const start = new Date(Date.now() + 3600_000);
    const event = await guild.scheduledEvents.create({
      name: 'Weekly circle',
      scheduledStartTime: start,
      scheduledEndTime: new Date(start.getTime() + 3600_000),
      privacyLevel: GuildScheduledEventPrivacyLevel.GuildOnly,
      entityType: GuildScheduledEventEntityType.External,
      entityMetadata: { location: 'Meeting channel' },
    });
    expect(world.sandbox.scheduledEvents(world.guild.id).map((e) => e.name)).toEqual(['Weekly circle']);
    await event.edit({ name: 'Weekly circle (moved)' });
    expect(world.sandbox.scheduledEvents(world.guild.id)[0].name).toBe('Weekly circle (moved)');
    await event.delete();
    expect(world.sandbox.scheduledEvents(world.guild.id)).toEqual([]);
    await expect(
      guild.scheduledEvents.create({
        name: 'Past',
        scheduledStartTime: new Date(Date.now() - 1000),
        scheduledEndTime: new Date(Date.now() + 1000),
        privacyLevel: GuildScheduledEventPrivacyLevel.GuildOnly,
        entityType: GuildScheduledEventEntityType.External,
        entityMetadata: { location: 'x' },
      }),
    ).rejects.toMatchObject({ code: 50035 });
  });
});

describe('sandbox global rate limit', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ globalRequestsPerSecond: 3 });
  });
  afterAll(() => world.close());

  it('GIVEN a global limit of 3/s WHEN the bot sends 6 messages THEN some get a global 429 and all arrive', async () => {
    const channel = world.client.channels.cache.get(world.channel.id) as TextChannel;
    await Promise.all([1, 2, 3, 4, 5, 6].map((i) => channel.send(`burst ${i}`)));
    expect(world.sandbox.messages(world.channel.id).filter((m) => m.content.startsWith('burst'))).toHaveLength(6);
    const limited = world.sandbox.requests.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((r) => r.fault === 'global-rate-limit')).toBe(true);
  });
});
