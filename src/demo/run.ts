import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { startHelperCircle } from '../app.ts';
import { createLogger, MemoryLogSink } from '../logging/logger.ts';
import { buttonCustomId, pressAndSubmit } from '../sandbox/components.ts';
import { startSandbox, type Sandbox } from '../sandbox/sandbox.ts';
import type { SandboxMessage } from '../sandbox/types.ts';
import { printAction, printAnswer, printNote } from './transcript.ts';

/**
 * `npm run demo`: Helper Circle without Discord. Starts the local sandbox, the real bot against it on
 * a throw-away store, and simulated people who use the bot, printing what each of them would see.
 */
const DEMO_MINUTE_MS = 400;

interface MeetingDemo {
  readonly sandbox: Sandbox;
  readonly guildId: string;
  readonly circleId: string;
  readonly omar: string;
  readonly sam: string;
  readonly maya: string;
  readonly names: Map<string, string>;
  readonly command: (userId: string, who: string, name: string, options: Record<string, string | boolean>, shown: string) => Promise<unknown>;
}

/** A whole short meeting: members act as each round opens; rounds end by themselves. */
async function meetingDemo(d: MeetingDemo): Promise<void> {
  printNote('A short meeting, with rounds of a few seconds');
  printAction('Omar (circle moderator)', '/meeting start format:short');
  const started = await d.sandbox.slashCommand({
    guildId: d.guildId,
    channelId: d.circleId,
    userId: d.omar,
    name: 'meeting',
    subcommand: 'start',
    options: { format: 'short' },
  });
  const answer = await started.reply();
  // The thread starts from the opening post, so it has the post's id.
  const thread = (await d.sandbox.waitForMessage(d.circleId, (m) => m.content.includes('has started'))).id;
  d.names.set(thread, 'Short meeting thread');
  printAnswer('Omar', answer, d.names);
  const round = (number: number) => d.sandbox.waitForMessage(thread, (m) => m.content.includes(`**Round ${number} of`), 15_000);
  const fill = async (userId: string, who: string, message: SandboxMessage, label: string, text: string) => {
    printAction(who, `presses "${label}"${text ? ` and writes "${text}"` : ''}`);
    const answer = await (await pressAndSubmit(d.sandbox, { userId, guildId: d.guildId, message, label, fields: { text } })).reply();
    printAnswer(who.split(' ')[0]!, answer, d.names);
  };

  const checkIn = await round(1);
  await fill(d.sam, 'Sam (member)', checkIn, 'Check in', 'A bit anxious, glad to be here');
  await fill(d.maya, 'Maya (member)', checkIn, 'Check in', '');
  await fill(d.sam, 'Sam (member)', await round(2), 'I need help', 'Keeping a routine since I lost my job');

  const helping = await round(3);
  printAction('Maya (member)', 'presses "I can help" and picks Sam\'s request');
  const picker = await (await d.sandbox.clickButton({ userId: d.maya, message: helping, customId: buttonCustomId(helping, 'I can help') })).reply();
  const select = (picker.components as Array<{ components: Array<{ custom_id: string; options: Array<{ value: string }> }> }>)[0]!.components[0]!;
  const picked = await d.sandbox.selectMenu({ userId: d.maya, message: picker, customId: select.custom_id, values: [select.options[0]!.value] });
  const modal = (await picked.modal()) as { custom_id: string };
  const offered = await d.sandbox.submitModal({
    userId: d.maya,
    guildId: d.guildId,
    channelId: thread,
    customId: modal.custom_id,
    fields: { text: "Writing tomorrow's plan the night before helped me" },
  });
  printAnswer('Maya', await offered.reply(), d.names);

  const tasks = await round(4);
  await fill(d.sam, 'Sam (member)', tasks, 'Commit to a task', 'Plan Monday on Sunday evening');
  await fill(d.maya, 'Maya (member)', tasks, 'Commit to a task', 'Walk before breakfast twice');
  const close = await round(5);
  await fill(d.sam, 'Sam (member)', close, '5', 'Felt heard');
  await fill(d.maya, 'Maya (member)', close, '4', '');

  await d.sandbox.waitForMessage(thread, (m) => m.content.includes('The meeting has ended'), 15_000);
  printNote('The meeting thread, as everyone sees it:');
  for (const message of d.sandbox.messages(thread)) printAnswer('', { content: message.content }, d.names);
}

async function demo(): Promise<void> {
  const sandbox = await startSandbox();
  const guild = sandbox.createGuild({ name: 'Riverside Circle', ownerUsername: 'owner' });
  const circle = sandbox.createChannel(guild.id, { name: 'circle' });
  const mods = sandbox.createChannel(guild.id, { name: 'moderators' });
  const admin = sandbox.createRole(guild.id, { name: 'Admin', permissions: PermissionFlagsBits.ManageGuild });
  const modRole = sandbox.createRole(guild.id, { name: 'Circle moderator' });
  const maya = sandbox.addMember(guild.id, { username: 'maya', roles: [admin.id] });
  const omar = sandbox.addMember(guild.id, { username: 'omar', roles: [modRole.id] });
  const sam = sandbox.addMember(guild.id, { username: 'sam' });
  // Sam asks anonymously below: the transcript shows that the post names nobody.

  const names = new Map<string, string>([
    [circle.id, circle.name],
    [mods.id, mods.name],
    [modRole.id, modRole.name],
    [admin.id, admin.name],
    [maya.user.id, 'maya'],
    [omar.user.id, 'omar'],
    [sam.user.id, 'sam'],
  ]);
  const folder = mkdtempSync(join(tmpdir(), 'helper-circle-demo-'));
  const logs = new MemoryLogSink();
  const bot = await startHelperCircle({
    config: {
      discordToken: sandbox.token,
      discordApiUrl: sandbox.apiUrl,
      storeUrl: `sqlite://${join(folder, 'demo.sqlite')}`,
      logLevel: 'info',
      devGuildId: undefined,
    },
    logger: createLogger({ level: 'info', secrets: [sandbox.token], sink: logs }),
    // Rounds of a few seconds: the short format's 30 "minutes" pass in about 12 s.
    meetingMinuteMs: DEMO_MINUTE_MS,
  });
  printNote(`Helper Circle is connected to a local Discord sandbox with the server "Riverside Circle".`);

  const run = async (userId: string, who: string, subcommand: string, options: Record<string, string> = {}, shown = '') => {
    printAction(who, `/circle ${subcommand}${shown}`);
    const handle = await sandbox.slashCommand({ guildId: guild.id, channelId: circle.id, userId, name: 'circle', subcommand, options });
    printAnswer(who.split(' ')[0]!, await handle.reply(), names);
  };

  try {
    await run(sam.user.id, 'Sam (member)', 'setup', { channel: circle.id }, ' channel:#circle');
    await run(maya.user.id, 'Maya (server admin)', 'setup', { channel: circle.id, timezone: 'Mars/Olympus' }, ' channel:#circle timezone:Mars/Olympus');
    await run(
      maya.user.id,
      'Maya (server admin)',
      'setup',
      {
        channel: circle.id,
        'moderator-role': modRole.id,
        'mod-channel': mods.id,
        timezone: 'Europe/London',
        'crisis-resources': 'UK: Samaritans 116 123 (free, any time). In danger now: 999.',
      },
      ' channel:#circle moderator-role:@Circle moderator mod-channel:#moderators timezone:Europe/London crisis-resources:"UK: Samaritans..."',
    );
    await run(omar.user.id, 'Omar (circle moderator)', 'show');

    printNote('Seeking and giving help');
    const command = async (userId: string, who: string, name: string, options: Record<string, string | boolean>, shown: string) => {
      printAction(who, `/${name} ${shown}`);
      const { subcommand, ...rest } = options;
      const answer = await (
        await sandbox.slashCommand({
          guildId: guild.id,
          channelId: circle.id,
          userId,
          name,
          options: rest,
          ...(typeof subcommand === 'string' ? { subcommand } : {}),
        })
      ).reply();
      printAnswer(who.split(' ')[0]!, answer, names);
      return answer;
    };
    await command(
      sam.user.id,
      'Sam (member)',
      'ask',
      { topic: 'Dreading a hard conversation with my landlord', anonymous: true },
      'topic:"Dreading a hard conversation with my landlord" anonymous:true',
    );
    const post = await sandbox.waitForMessage(circle.id, (m) => m.content.includes('landlord'));
    printNote('In #circle everyone sees:');
    printAnswer('', { content: post.content }, names);
    const requestId = buttonCustomId(post, 'I can help').split(':')[1]!;
    await command(
      omar.user.id,
      'Omar (circle moderator)',
      'offer',
      { request: requestId, message: 'I had the same last year. Writing down three points first helped me.' },
      'request:"Dreading a hard..." message:"I had the same last year..."',
    );
    const offerPost = await sandbox.waitForMessage(post.id, (m) => m.content.includes('offers help'));
    printNote("In the request's thread:");
    printAnswer('', { content: offerPost.content }, names);
    printAction('Sam (member)', 'presses "This helped"');
    const helped = await sandbox.clickButton({ userId: sam.user.id, message: offerPost, customId: buttonCustomId(offerPost, 'This helped') });
    printAnswer('Sam', await helped.reply(), names);
    await command(sam.user.id, 'Sam (member)', 'stats', {}, '');
    await command(omar.user.id, 'Omar (circle moderator)', 'stats', {}, '');

    await meetingDemo({ sandbox, guildId: guild.id, circleId: circle.id, omar: omar.user.id, sam: sam.user.id, maya: maya.user.id, names, command });
    printNote("The week so far, as the circle's weekly reflection will show it (chart attached as a PNG)");
    await command(omar.user.id, 'Omar (circle moderator)', 'reflection', { subcommand: 'preview' }, 'preview');
  } finally {
    await bot.stop();
    await sandbox.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

await demo();
