import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, Events, GatewayIntentBits, MessageFlags, type TextChannel } from 'discord.js';
import WebSocket from 'ws';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { eventually, loginClient, startWorld, type World } from './harness.ts';

const ASK = { name: 'ask', description: 'Ask for help', options: [{ type: 3, name: 'topic', description: 'What about', required: true }] };

describe('sandbox gateway', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
    await world.client.application!.commands.set([ASK]);
    world.onInteraction(async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: `got ${i.options.getString('topic')}`, flags: MessageFlags.Ephemeral });
    });
  });
  afterAll(() => world.close());

  it('GIVEN a guild with channels and roles WHEN discord.js logs in THEN clientReady fires with the guild cached', async () => {
    const { client, guild, channel, sandbox } = world;
    expect(client.user?.id).toBe(sandbox.botUser.id);
    expect(client.application?.id).toBe(sandbox.applicationId);
    const cached = client.guilds.cache.get(guild.id);
    expect(cached?.name).toBe('Helper Circle Test');
    expect(cached?.channels.cache.get(channel.id)?.name).toBe('general');
    expect(cached?.roles.everyone.id).toBe(guild.id);
    expect(cached?.members.me?.id).toBe(sandbox.botUser.id);
    expect(sandbox.gatewaySessions).toBe(1);
  });

  it('GIVEN a connected client WHEN a channel is created THEN the client receives CHANNEL_CREATE', async () => {
    const created = world.sandbox.createChannel(world.guild.id, { name: 'late-channel' });
    await eventually(() => world.client.channels.cache.get(created.id));
  });

  it('GIVEN a connected client WHEN another guild is created THEN the client receives GUILD_CREATE', async () => {
    const g2 = world.sandbox.createGuild({ name: 'Second' });
    await eventually(() => world.client.guilds.cache.get(g2.id));
  });

  it('GIVEN the bot sends a message THEN it is echoed back as MESSAGE_CREATE', async () => {
    const seen = new Promise<string>((resolve) => world.client.once(Events.MessageCreate, (m) => resolve(m.content)));
    const channel = world.client.channels.cache.get(world.channel.id) as TextChannel;
    await channel.send({ content: 'echo me', allowedMentions: { parse: [] } });
    expect(await seen).toBe('echo me');
  });

  it('GIVEN op 7 reconnect WHEN the client resumes THEN it still receives the next interaction', async () => {
    const { sandbox, client } = world;
    const resumed = new Promise<void>((resolve) => client.once(Events.ShardResume, () => resolve()));
    const requestsBefore = sandbox.requests.length;
    sandbox.reconnectGateway();
    await resumed;
    const handle = await sandbox.slashCommand({
      guildId: world.guild.id,
      channelId: world.channel.id,
      userId: world.member.user.id,
      name: 'ask',
      options: { topic: 'after op 7' },
    });
    expect((await handle.reply()).content).toBe('got after op 7');
    // A resume goes straight to resume_gateway_url: no new gateway discovery.
    expect(sandbox.requests.slice(requestsBefore).some((r) => r.route === 'GET /gateway/bot')).toBe(false);
  });

  it('GIVEN dispatches while the socket is down WHEN the client resumes THEN missed dispatches are replayed', async () => {
    const { sandbox, client } = world;
    const resumed = new Promise<void>((resolve) => client.once(Events.ShardResume, () => resolve()));
    sandbox.dropConnections();
    // Created while the client is disconnected: only a RESUME replay can deliver it.
    const missed = sandbox.createChannel(world.guild.id, { name: 'while-down' });
    await resumed;
    await eventually(() => client.channels.cache.get(missed.id));
    const handle = await sandbox.slashCommand({
      guildId: world.guild.id,
      channelId: world.channel.id,
      userId: world.member.user.id,
      name: 'ask',
      options: { topic: 'after drop' },
    });
    expect((await handle.reply()).content).toBe('got after drop');
  });

  // @discordjs/ws allows one IDENTIFY per 5 s per shard, so this test takes about 5 s.
  it('GIVEN an invalidated session WHEN the client identifies again THEN it gets a new READY and still works', async () => {
    const { sandbox, client } = world;
    const identified = new Promise<void>((resolve) => {
      const onRaw = (packet: { t?: string }) => {
        if (packet.t !== 'READY') return;
        client.off(Events.Raw, onRaw);
        resolve();
      };
      client.on(Events.Raw, onRaw);
    });
    const before = sandbox.gatewaySessions;
    sandbox.invalidateSession();
    await identified;
    await eventually(() => sandbox.gatewaySessions === before);
    const handle = await sandbox.slashCommand({
      guildId: world.guild.id,
      channelId: world.channel.id,
      userId: world.member.user.id,
      name: 'ask',
      options: { topic: 'after op 9' },
    });
    expect((await handle.reply(8000)).content).toBe('got after op 9');
  }, 20_000);
});

describe('sandbox gateway protocol edges', () => {
  let sandbox: Sandbox;
  let extra: Client | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ heartbeatIntervalMs: 250 });
    sandbox.createGuild({ name: 'G' });
  });
  afterEach(async () => {
    await extra?.destroy();
    extra = undefined;
  });
  afterAll(() => sandbox.close());

  async function rawSocket(): Promise<{ ws: WebSocket; next: () => Promise<any>; closed: Promise<number> }> {
    const res = await fetch(`${sandbox.apiUrl}/v10/gateway/bot`, { headers: { Authorization: `Bot ${sandbox.token}` } });
    const { url } = (await res.json()) as { url: string };
    const ws = new WebSocket(`${url}?v=10&encoding=json`);
    const queue: any[] = [];
    const waiters: Array<(v: any) => void> = [];
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      const w = waiters.shift();
      if (w) w(msg);
      else queue.push(msg);
    });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((r) => ws.once('open', r));
    return { ws, closed, next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r))) };
  }

  it('GIVEN a wrong token WHEN logging in THEN discord.js rejects with TokenInvalid', async () => {
    extra = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: sandbox.apiUrl } });
    await expect(extra.login('wrong-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
  });

  it('GIVEN a wrong token in IDENTIFY THEN the gateway closes with 4004', async () => {
    const { ws, next, closed } = await rawSocket();
    expect((await next()).op).toBe(10);
    ws.send(JSON.stringify({ op: 2, d: { token: 'nope', intents: 1, properties: {} } }));
    expect(await closed).toBe(4004);
  });

  it('GIVEN IDENTIFY THEN READY has s=1 and GUILD_CREATE follows with s=2', async () => {
    const { ws, next } = await rawSocket();
    await next();
    ws.send(JSON.stringify({ op: 2, d: { token: sandbox.token, intents: 1, properties: {} } }));
    const ready = await next();
    expect(ready).toMatchObject({ op: 0, s: 1, t: 'READY' });
    expect(ready.d.application.id).toBe(sandbox.applicationId);
    const guildCreate = await next();
    expect(guildCreate).toMatchObject({ op: 0, s: 2, t: 'GUILD_CREATE' });
    ws.send(JSON.stringify({ op: 1, d: 2 }));
    expect((await next()).op).toBe(11);
    ws.close(1000);
  });

  it('GIVEN more than 120 sends in a minute THEN the gateway closes with 4008', async () => {
    const { ws, next, closed } = await rawSocket();
    await next();
    for (let i = 0; i < 121; i++) ws.send(JSON.stringify({ op: 1, d: null }));
    expect(await closed).toBe(4008);
  });

  it('GIVEN a RESUME with an unknown session THEN the gateway answers op 9 d:false', async () => {
    const { ws, next } = await rawSocket();
    await next();
    ws.send(JSON.stringify({ op: 6, d: { token: sandbox.token, session_id: 'unknown', seq: 3 } }));
    expect(await next()).toMatchObject({ op: 9, d: false });
    ws.close(1000);
  });

  it('GIVEN a second client WHEN it logs in THEN both sessions are counted', async () => {
    const first = await loginClient(sandbox);
    extra = await loginClient(sandbox);
    expect(sandbox.gatewaySessions).toBe(2);
    await first.destroy();
    await eventually(() => sandbox.gatewaySessions === 1);
  });
});
