import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Events, GatewayIntentBits, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { once } from 'node:events';
import { startHelperCircle } from '../src/app.ts';
import { createLogger } from '../src/logging/logger.ts';
import { startSandbox, type Sandbox } from '../src/sandbox/sandbox.ts';
import { ms, percentile, printTable } from './stats.ts';

const WARMUP = 30;
const SAMPLES = 300;
const TARGET_RATIO = 1.5;

/**
 * From an injected slash command to the bot's first callback, on the same sandbox: a bare discord.js
 * client answering a trivial /ping (the baseline), then Helper Circle answering /circle show (which
 * checks the member's access and reads the settings from SQLite).
 */
export async function interactionOverhead(): Promise<{ ratio: number; withinTarget: boolean }> {
  const sandbox = await startSandbox();
  const guild = sandbox.createGuild({ name: 'Bench' });
  const channel = sandbox.createChannel(guild.id, { name: 'circle' });
  const admin = sandbox.createRole(guild.id, { name: 'Admin', permissions: PermissionFlagsBits.ManageGuild });
  const manager = sandbox.addMember(guild.id, { username: 'manager', roles: [admin.id] });
  const folder = mkdtempSync(join(tmpdir(), 'hc-bench-'));

  try {
    const bare = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: sandbox.apiUrl } });
    bare.on(Events.InteractionCreate, (interaction) => {
      if (interaction.isChatInputCommand()) void interaction.reply({ content: 'pong', flags: MessageFlags.Ephemeral });
    });
    const ready = once(bare, Events.ClientReady);
    await bare.login(sandbox.token);
    await ready;
    await bare.application!.commands.set([{ name: 'ping', description: 'Answers pong' }]);
    const baseline = await measure(sandbox, { guildId: guild.id, channelId: channel.id, userId: manager.user.id, name: 'ping' });
    await bare.destroy();

    const bot = await startHelperCircle({
      config: {
        discordToken: sandbox.token,
        discordApiUrl: sandbox.apiUrl,
        storeUrl: `sqlite://${join(folder, 'bench.sqlite')}`,
        logLevel: 'warn',
        devGuildId: undefined,
      },
      logger: createLogger({ level: 'warn' }),
    });
    const setup = await sandbox.slashCommand({
      guildId: guild.id,
      channelId: channel.id,
      userId: manager.user.id,
      name: 'circle',
      subcommand: 'setup',
      options: { channel: channel.id, timezone: 'Europe/London' },
    });
    await setup.reply();
    const helperCircle = await measure(sandbox, { guildId: guild.id, channelId: channel.id, userId: manager.user.id, name: 'circle', subcommand: 'show' });
    await bot.stop();

    const ratio = percentile(helperCircle, 50) / percentile(baseline, 50);
    printTable(
      `interaction-overhead: injected command -> first callback, ${SAMPLES} sequential samples after ${WARMUP} warm-up`,
      ['client', 'median', 'p95', 'max'],
      [
        ['bare discord.js, /ping (baseline)', ms(percentile(baseline, 50)), ms(percentile(baseline, 95)), ms(Math.max(...baseline))],
        ['Helper Circle, /circle show', ms(percentile(helperCircle, 50)), ms(percentile(helperCircle, 95)), ms(Math.max(...helperCircle))],
      ],
    );
    const withinTarget = ratio <= TARGET_RATIO;
    process.stdout.write(`median ratio: ${ratio.toFixed(2)}x (target <= ${TARGET_RATIO}x): ${withinTarget ? 'met' : 'NOT met'}\n`);
    return { ratio, withinTarget };
  } finally {
    await sandbox.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

async function measure(
  sandbox: Sandbox,
  command: { guildId: string; channelId: string; userId: string; name: string; subcommand?: string },
): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < WARMUP + SAMPLES; index += 1) {
    const handle = await sandbox.slashCommand(command);
    const first = await handle.firstResponse();
    if (index >= WARMUP) samples.push(first.at - handle.createdAt);
  }
  return samples;
}
