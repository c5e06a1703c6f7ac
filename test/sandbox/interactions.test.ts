import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  MessageFlags,
  ModalBuilder,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
  type TextChannel,
} from 'discord.js';
import { eventually, sleep, startWorld, type World } from './harness.ts';

const COMMANDS = [
  {
    name: 'ask',
    description: 'Ask for help',
    options: [
      { type: 3, name: 'topic', description: 'What about', required: true, max_length: 300 },
      { type: 5, name: 'anonymous', description: 'Hide my name' },
    ],
  },
  { name: 'offer', description: 'Offer help', options: [{ type: 3, name: 'request', description: 'Which request', required: true, autocomplete: true }] },
  {
    name: 'circle',
    description: 'Circle settings',
    default_member_permissions: '32',
    options: [
      {
        type: 1,
        name: 'setup',
        description: 'Set up',
        options: [
          { type: 7, name: 'channel', description: 'Meeting channel', required: true, channel_types: [0] },
          { type: 8, name: 'moderator-role', description: 'Moderators' },
          { type: 6, name: 'member', description: 'Someone' },
        ],
      },
    ],
  },
  { name: 'slow', description: 'Answers late' },
];

describe('sandbox interactions', () => {
  let world: World;
  let userId: string;
  const slash = (name: string, options?: Record<string, string | number | boolean>, extra: { subcommand?: string } = {}) =>
    world.sandbox.slashCommand({ guildId: world.guild.id, channelId: world.channel.id, userId, name, options, ...extra });

  beforeAll(async () => {
    world = await startWorld({ interactionDeadlineMs: 800 });
    userId = world.member.user.id;
    await world.client.application!.commands.set(COMMANDS);
  });
  afterAll(() => world.close());

  it('GIVEN a registered command WHEN a member runs it THEN interaction.reply with ephemeral is seen by handle.reply()', async () => {
    world.onInteraction(async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: `topic: ${i.options.getString('topic')}`, flags: MessageFlags.Ephemeral });
    });
    const handle = await slash('ask', { topic: 'time management', anonymous: true });
    const reply = await handle.reply();
    expect(reply.content).toBe('topic: time management');
    expect(reply.ephemeral).toBe(true);
    expect(handle.callbacks.map((c) => c.type)).toEqual([4]);
    // Ephemeral replies are not channel messages.
    expect(world.sandbox.messages(world.channel.id).some((m) => m.id === reply.id)).toBe(false);
  });

  it('GIVEN an interaction payload THEN it carries what discord.js relies on (member permissions, channel, entitlements)', async () => {
    let seen: any;
    world.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      seen = {
        perms: i.memberPermissions?.has('SendMessages'),
        app: i.appPermissions.has('SendMessages'),
        channel: i.channel?.id,
        locale: i.locale,
        user: i.user.username,
        guild: i.guildId,
        anon: i.options.getBoolean('anonymous'),
      };
      await i.reply({ content: 'ok', flags: MessageFlags.Ephemeral });
    });
    await (await slash('ask', { topic: 'x', anonymous: false })).reply();
    expect(seen).toEqual({ perms: true, app: true, channel: world.channel.id, locale: 'en-US', user: 'alice', guild: world.guild.id, anon: false });
  });

  it('GIVEN deferReply THEN editReply becomes the visible reply', async () => {
    world.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await sleep(50);
      await i.editReply({ content: 'done thinking' });
    });
    const handle = await slash('ask', { topic: 'defer' });
    const reply = await handle.reply();
    expect(reply.content).toBe('done thinking');
    expect(reply.ephemeral).toBe(false);
    expect(handle.callbacks[0]!.type).toBe(5);
    expect(world.sandbox.messages(world.channel.id).find((m) => m.id === reply.id)?.content).toBe('done thinking');
  });

  it('GIVEN deferReply ephemeral and a followUp THEN the follow-up fills the deferred reply', async () => {
    world.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await i.followUp({ content: 'first follow-up' });
      await i.followUp({ content: 'second follow-up', flags: MessageFlags.Ephemeral });
    });
    const handle = await slash('ask', { topic: 'follow' });
    const reply = await handle.reply();
    expect(reply).toMatchObject({ content: 'first follow-up', ephemeral: true });
    await sleep(100);
    expect(handle.followUps().map((m) => m.content)).toEqual(['first follow-up', 'second follow-up']);
  });

  it('GIVEN a message with a button WHEN a member clicks it THEN the update is the reply', async () => {
    world.onInteraction(async (i) => {
      if (i.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('join').setLabel('Join').setStyle(ButtonStyle.Primary));
        await i.reply({ content: 'Meeting starts', components: [row] });
      } else if (i.isButton()) {
        await i.update({ content: `${i.user.username} joined via ${i.customId}`, components: [] });
      }
    });
    const first = await (await slash('ask', { topic: 'buttons' })).reply();
    expect(first.components[0].components[0].custom_id).toBe('join');
    const click = await world.sandbox.clickButton({ userId, message: first, customId: 'join' });
    const updated = await click.reply();
    expect(updated).toMatchObject({ id: first.id, content: 'alice joined via join', components: [] });
    expect(click.callbacks[0]!.type).toBe(7);
    await expect(world.sandbox.clickButton({ userId, message: first, customId: 'join' })).rejects.toThrow(/no matching component/);
  });

  it('GIVEN a select menu WHEN a member picks values THEN the bot sees them', async () => {
    world.onInteraction(async (i) => {
      if (i.isChatInputCommand()) {
        const menu = new StringSelectMenuBuilder().setCustomId('mood').addOptions({ label: 'Good', value: 'good' }, { label: 'Bad', value: 'bad' });
        await i.reply({ content: 'How are you?', components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu)] });
      } else if (i.isStringSelectMenu()) {
        await i.reply({ content: `picked ${i.values.join(',')}`, flags: MessageFlags.Ephemeral });
      }
    });
    const question = await (await slash('ask', { topic: 'select' })).reply();
    const pick = await world.sandbox.selectMenu({ userId, message: question, customId: 'mood', values: ['bad'] });
    expect(await pick.reply()).toMatchObject({ content: 'picked bad', ephemeral: true });
    await expect(world.sandbox.selectMenu({ userId, message: question, customId: 'mood', values: ['meh'] })).rejects.toThrow(/no option/);
  });

  it('GIVEN showModal THEN modal() has it AND submitModal round-trips the fields', async () => {
    world.onInteraction(async (i) => {
      if (i.isChatInputCommand()) {
        const modal = new ModalBuilder()
          .setCustomId('task-modal')
          .setTitle('Your task')
          .addComponents(
            new ActionRowBuilder<TextInputBuilder>().addComponents(
              new TextInputBuilder().setCustomId('text').setLabel('Task').setStyle(TextInputStyle.Short).setMaxLength(200),
            ),
          );
        await i.showModal(modal);
      } else if (i.isModalSubmit()) {
        await i.reply({ content: `task: ${i.fields.getTextInputValue('text')}`, flags: MessageFlags.Ephemeral });
      }
    });
    const handle = await slash('ask', { topic: 'modal' });
    const modal = await handle.modal();
    expect(modal).toMatchObject({ custom_id: 'task-modal', title: 'Your task' });
    const submit = await world.sandbox.submitModal({
      userId,
      guildId: world.guild.id,
      channelId: world.channel.id,
      customId: 'task-modal',
      fields: { text: 'write the report' },
    });
    expect(await submit.reply()).toMatchObject({ content: 'task: write the report', ephemeral: true });
    const submitWrong = (fields: Record<string, string>) =>
      world.sandbox.submitModal({ userId, guildId: world.guild.id, channelId: world.channel.id, customId: 'task-modal', fields });
    await expect(submitWrong({ nope: 'x' })).rejects.toThrow(/no field\(s\) nope/);
    await expect(submitWrong({})).rejects.toThrow(/field text is required/);
    await expect(submitWrong({ text: 'x'.repeat(201) })).rejects.toThrow(/at most 200/);
  });

  it('GIVEN an autocomplete option WHEN a member types THEN the choices come back', async () => {
    world.onInteraction(async (i) => {
      if (i.isAutocomplete()) {
        const typed = i.options.getFocused();
        await i.respond([{ name: `Request about ${typed}`, value: 'req-1' }]);
      }
    });
    const choices = await world.sandbox.autocomplete({
      guildId: world.guild.id,
      channelId: world.channel.id,
      userId,
      name: 'offer',
      options: {},
      focused: 'request',
    });
    expect(choices).toEqual([{ name: 'Request about ', value: 'req-1' }]);
    const typed = await world.sandbox.autocomplete({
      guildId: world.guild.id,
      channelId: world.channel.id,
      userId,
      name: 'offer',
      options: { request: 'sle' },
      focused: 'request',
    });
    expect(typed[0]!.name).toBe('Request about sle');
  });

  it('GIVEN channel, role and user options THEN resolved data reaches discord.js', async () => {
    const role = world.sandbox.createRole(world.guild.id, { name: 'Moderators', permissions: '8192' });
    const bob = world.sandbox.addMember(world.guild.id, { username: 'bob', roles: [role.id] });
    let seen: any;
    world.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      seen = {
        sub: i.options.getSubcommand(),
        channel: i.options.getChannel('channel')?.name,
        role: i.options.getRole('moderator-role')?.name,
        member: i.options.getUser('member')?.username,
      };
      await i.reply({ content: 'set', flags: MessageFlags.Ephemeral });
    });
    const owner = world.sandbox.owner(world.guild.id);
    const handle = await world.sandbox.slashCommand({
      guildId: world.guild.id,
      channelId: world.channel.id,
      userId: owner.user.id,
      name: 'circle',
      subcommand: 'setup',
      options: { channel: world.channel.id, 'moderator-role': role.id, member: bob.user.id },
    });
    await handle.reply();
    expect(seen).toEqual({ sub: 'setup', channel: 'general', role: 'Moderators', member: 'bob' });
  });

  it('GIVEN a member given a role with Manage Server THEN memberPermissions shows it in the next interaction', async () => {
    const admins = world.sandbox.createRole(world.guild.id, { name: 'Organisers', permissions: 1n << 5n });
    const carol = world.sandbox.addMember(world.guild.id, { username: 'carol' });
    const perms: boolean[] = [];
    world.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      perms.push(i.memberPermissions!.has('ManageGuild'));
      await i.reply({ content: 'ok', flags: MessageFlags.Ephemeral });
    });
    const run = () =>
      world.sandbox.slashCommand({ guildId: world.guild.id, channelId: world.channel.id, userId: carol.user.id, name: 'ask', options: { topic: 'p' } });
    await (await run()).reply();
    world.sandbox.setMemberRoles(world.guild.id, carol.user.id, [admins.id]);
    await (await run()).reply();
    expect(perms).toEqual([false, true]);
  });

  it('GIVEN an unregistered command or option THEN slashCommand throws a clear error', async () => {
    await expect(slash('nope')).rejects.toThrow(/No registered chat command \/nope/);
    await expect(slash('ask', { topic: 'x', colour: 'red' })).rejects.toThrow(/has no option colour/);
    await expect(slash('ask', {})).rejects.toThrow(/missing required option\(s\): topic/);
    await expect(slash('circle', {})).rejects.toThrow(/needs a subcommand/);
    const voice = world.sandbox.createChannel(world.guild.id, { name: 'voice', type: ChannelType.GuildVoice });
    await expect(slash('circle', { channel: voice.id }, { subcommand: 'setup' })).rejects.toThrow(/only accepts channel types 0/);
  });

  it('GIVEN a bot that answers after the deadline THEN the callback is refused with 10062', async () => {
    let error: any;
    world.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await sleep(900);
      await i.reply({ content: 'too late' }).catch((err) => (error = err));
    });
    const handle = await slash('slow');
    await eventually(() => error, 3000);
    expect(error).toMatchObject({ code: 10062, status: 404 });
    expect(handle.callbacks).toHaveLength(0);
  });

  it('GIVEN an acknowledged interaction WHEN the bot responds again THEN it gets 40060', async () => {
    let error: any;
    world.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply({ content: 'once', flags: MessageFlags.Ephemeral });
      // Bypass discord.js' own "already replied" guard to hit the API like a buggy bot would.
      await i.client.rest
        .post(`/interactions/${i.id}/${i.token}/callback`, { body: { type: 4, data: { content: 'twice' } }, auth: false })
        .catch((err) => (error = err));
    });
    const handle = await slash('ask', { topic: 'twice' });
    await handle.reply();
    await sleep(100);
    expect(error).toMatchObject({ code: 40060, status: 400 });
  });

  it('GIVEN interaction callbacks and webhook calls THEN none carries an Authorization header', async () => {
    world.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await i.editReply('edited');
      await i.followUp({ content: 'more', flags: MessageFlags.Ephemeral });
    });
    const handle = await slash('ask', { topic: 'auth' });
    await handle.reply();
    await sleep(100);
    const tokenRoutes = world.sandbox.requests.filter((r) => r.path.includes(handle.token));
    expect(tokenRoutes.map((r) => r.route)).toEqual([
      'POST /interactions/:id/:token/callback',
      'PATCH /webhooks/:app/:token/messages/@original',
      'POST /webhooks/:app/:token',
    ]);
    expect(tokenRoutes.every((r) => !r.hasAuthorizationHeader && !r.authorized)).toBe(true);
  });

  it('GIVEN a reply with withResponse THEN the bot receives the callback resource with the message', async () => {
    let messageId: string | undefined;
    world.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      const res = await i.reply({ content: 'with response', withResponse: true });
      messageId = res.resource?.message?.id;
    });
    const reply = await (await slash('ask', { topic: 'wr' })).reply();
    await sleep(50);
    expect(messageId).toBe(reply.id);
    expect(world.sandbox.requests.some((r) => r.route === 'POST /interactions/:id/:token/callback' && r.query.with_response === 'true')).toBe(true);
  });

  it('GIVEN a reply with a file THEN the attachment is stored from the multipart body', async () => {
    world.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply({ content: 'export', files: [{ attachment: Buffer.from('{"a":1}'), name: 'export.json' }], flags: MessageFlags.Ephemeral });
    });
    const reply = await (await slash('ask', { topic: 'file' })).reply();
    expect(reply.attachments).toHaveLength(1);
    expect(reply.attachments[0]!.filename).toBe('export.json');
    expect(world.sandbox.attachmentData(reply.attachments[0]!.id)?.toString()).toBe('{"a":1}');
    const res = await fetch(reply.attachments[0]!.url);
    expect(await res.text()).toBe('{"a":1}');
  });

  it('GIVEN a channel message with a button WHEN clicked and deferUpdate + editReply THEN the message changes', async () => {
    const channel = world.client.channels.cache.get(world.channel.id) as TextChannel;
    const sent = await channel.send({
      content: 'Round 1',
      components: [
        new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('next').setLabel('Next').setStyle(ButtonStyle.Secondary)),
      ],
    });
    world.onInteraction(async (i) => {
      if (!i.isButton()) return;
      await i.deferUpdate();
      await i.editReply({ content: 'Round 2', components: [] });
    });
    const message = world.sandbox.messages(world.channel.id).find((m) => m.id === sent.id)!;
    const click = await world.sandbox.clickButton({ userId, message, customId: 'next' });
    expect(await click.reply()).toMatchObject({ id: sent.id, content: 'Round 2' });
    expect(click.callbacks[0]!.type).toBe(6);
  });
});
