import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { startHelperCircle } from '../app.ts';
import { createLogger, MemoryLogSink } from '../logging/logger.ts';
import { buttonCustomId } from '../sandbox/components.ts';
import { startSandbox } from '../sandbox/sandbox.ts';
import { printAction, printAnswer, printNote } from './transcript.ts';

/**
 * `npm run demo`: Helper Circle without Discord. Starts the local sandbox, the real bot against it on
 * a throw-away store, and simulated people who use the bot, printing what each of them would see.
 */
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
      const answer = await (await sandbox.slashCommand({ guildId: guild.id, channelId: circle.id, userId, name, options })).reply();
      printAnswer(who.split(' ')[0]!, answer, names);
      return answer;
    };
    await command(sam.user.id, 'Sam (member)', 'ask', { topic: 'Dreading a hard conversation with my landlord', anonymous: true }, 'topic:"Dreading a hard conversation with my landlord" anonymous:true');
    const post = await sandbox.waitForMessage(circle.id, (m) => m.content.includes('landlord'));
    printNote('In #circle everyone sees:');
    printAnswer('', { content: post.content }, names);
    const requestId = buttonCustomId(post, 'I can help').split(':')[1]!;
    await command(omar.user.id, 'Omar (circle moderator)', 'offer', { request: requestId, message: 'I had the same last year. Writing down three points first helped me.' }, 'request:"Dreading a hard..." message:"I had the same last year..."');
    const offerPost = await sandbox.waitForMessage(post.id, (m) => m.content.includes('offers help'));
    printNote('In the request\'s thread:');
    printAnswer('', { content: offerPost.content }, names);
    printAction('Sam (member)', 'presses "This helped"');
    const helped = await sandbox.clickButton({ userId: sam.user.id, message: offerPost, customId: buttonCustomId(offerPost, 'This helped') });
    printAnswer('Sam', await helped.reply(), names);
    await command(sam.user.id, 'Sam (member)', 'stats', {}, '');
    await command(omar.user.id, 'Omar (circle moderator)', 'stats', {}, '');
    printNote('Meetings, schedules and weekly reflections join this demo as they are built.');
  } finally {
    await bot.stop();
    await sandbox.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

await demo();
