import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ActionRowBuilder, Client, GatewayIntentBits, MessageFlags, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { eventually, sleep, startWorld, type World } from './harness.ts';

describe('sandbox validation of interaction answers', () => {
  let world: World;
  const userId = () => world.member.user.id;
  const ask = () => world.sandbox.slashCommand({ guildId: world.guild.id, channelId: world.channel.id, userId: userId(), name: 'ask' });

  beforeAll(async () => {
    world = await startWorld({ interactionTokenLifetimeMs: 300 });
    await world.client.application!.commands.set([{ name: 'ask', description: 'Ask' }]);
  });
  afterAll(() => world.close());

  it('GIVEN a callback body of the wrong type THEN the OpenAPI schema refuses it with 50035', async () => {
    let error: any;
    world.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.client.rest
        .post(`/interactions/${i.id}/${i.token}/callback`, { body: { type: 4, data: { content: 42 } }, auth: false })
        .catch((e) => (error = e));
    });
    const failures = world.sandbox.validationFailures.length;
    const handle = await ask();
    await eventually(() => error);
    expect(error).toMatchObject({ status: 400, code: 50035 });
    expect(world.sandbox.validationFailures.slice(failures)).toEqual([
      {
        route: 'POST /interactions/:id/:token/callback',
        errors: { data: { content: { _errors: [expect.objectContaining({ code: 'BASE_TYPE_STRING_OR_NULL' })] } } },
      },
    ]);
    expect(handle.callbacks).toHaveLength(0);
  });

  it('GIVEN a modal title over 45 characters THEN showModal is refused', async () => {
    let error: any;
    world.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      const modal = new ModalBuilder()
        .setCustomId('m')
        .setTitle('t'.repeat(45))
        .addComponents(
          new ActionRowBuilder<TextInputBuilder>().addComponents(new TextInputBuilder().setCustomId('a').setLabel('A').setStyle(TextInputStyle.Short)),
        );
      const raw = { ...modal.toJSON(), title: 't'.repeat(46) }; // builders would refuse to build it
      await i.client.rest.post(`/interactions/${i.id}/${i.token}/callback`, { body: { type: 9, data: raw }, auth: false }).catch((e) => (error = e));
    });
    await ask();
    await eventually(() => error);
    expect(error).toMatchObject({ status: 400, code: 50035 });
  });

  it('GIVEN a reply over 2000 characters THEN the callback is refused and the interaction stays unanswered', async () => {
    let error: any;
    world.onInteraction(async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: 'x'.repeat(2001), flags: MessageFlags.Ephemeral }).catch((e) => (error = e));
    });
    const handle = await ask();
    await eventually(() => error);
    expect(error).toMatchObject({ code: 50035 });
    expect(handle.callbacks).toHaveLength(0);
  });

  it('GIVEN an expired interaction token THEN follow-ups are refused with 50027', async () => {
    let error: any;
    world.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await sleep(400);
      await i.followUp('too late').catch((e) => (error = e));
    });
    await ask();
    await eventually(() => error);
    expect(error).toMatchObject({ status: 401, code: 50027 });
  });
});

describe('sandbox start-up and configuration', () => {
  let sandbox: Sandbox | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    await client?.destroy();
    await sandbox?.close();
    client = undefined;
    sandbox = undefined;
  });

  it('GIVEN default options THEN the sandbox starts in well under a second', async () => {
    const start = Date.now();
    sandbox = await startSandbox();
    expect(Date.now() - start).toBeLessThan(1000);
    expect(sandbox.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(sandbox.warnings).toEqual([]);
  });

  it('GIVEN a privileged intent not enabled for the app THEN login fails with disallowed intents (4014)', async () => {
    sandbox = await startSandbox({ privilegedIntents: [] });
    sandbox.createGuild({ name: 'G' });
    client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent], rest: { api: sandbox.apiUrl } });
    await expect(client.login(sandbox.token)).rejects.toThrow(/disallowed intents/i);
  });

  it('GIVEN the GuildMembers intent THEN GUILD_CREATE carries every member, otherwise only the bot', async () => {
    sandbox = await startSandbox({ heartbeatIntervalMs: 250 });
    const guild = sandbox.createGuild({ name: 'G' });
    sandbox.addMember(guild.id, { username: 'alice' });
    client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers], rest: { api: sandbox.apiUrl } });
    await client.login(sandbox.token);
    await eventually(() => client!.guilds.cache.get(guild.id));
    // owner, bot and alice
    expect(client.guilds.cache.get(guild.id)!.members.cache.size).toBe(3);
    await client.destroy();
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: sandbox.apiUrl } });
    await client.login(sandbox.token);
    await eventually(() => client!.guilds.cache.get(guild.id));
    expect([...client.guilds.cache.get(guild.id)!.members.cache.keys()]).toEqual([sandbox.botUser.id]);
  }, 15_000);
});
