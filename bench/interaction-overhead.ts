import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Events, GatewayIntentBits, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { once } from 'node:events';
import { availableParallelism, loadavg } from 'node:os';
import { startHelperCircle, type RunningBot } from '../src/app.ts';
import { createLogger } from '../src/logging/logger.ts';
import { startSandbox, type Sandbox } from '../src/sandbox/sandbox.ts';
import { ms, percentile, printTable } from './stats.ts';
import { benchSchema, dropSchema, POSTGRES_URL } from './postgres.ts';

const WARMUP = 30;
const SAMPLES = 300;
const TARGET_RATIO = 1.5;

/**
 * From an injected slash command to the bot's first callback, on the same sandbox: a bare discord.js
 * client answering a trivial /ping (the baseline), then Helper Circle answering /circle show (which
 * checks the member's access and reads the settings, held in memory once read) on SQLite, then the same
 * on PostgreSQL as a PostgreSQL deployment runs (the shard lease held, every commit fenced), in the same
 * run. On both stores also /circle setup, a write committed before the answer: what the database
 * itself adds to an interaction (on PostgreSQL a transaction plus the lease check).
 */
export async function interactionOverhead(): Promise<{ ratio: number; withinTarget: boolean }> {
  const sandbox = await startSandbox();
  const guild = sandbox.createGuild({ name: 'Bench' });
  const channel = sandbox.createChannel(guild.id, { name: 'circle' });
  const admin = sandbox.createRole(guild.id, { name: 'Admin', permissions: PermissionFlagsBits.ManageGuild });
  const manager = sandbox.addMember(guild.id, { username: 'manager', roles: [admin.id] });
  const folder = mkdtempSync(join(tmpdir(), 'hc-bench-'));
  const schema = benchSchema('overhead');
  const command = { guildId: guild.id, channelId: channel.id, userId: manager.user.id };
  const setupCommand = { ...command, name: 'circle', subcommand: 'setup', options: { channel: channel.id, timezone: 'Europe/London' } };

  try {
    const bare = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: sandbox.apiUrl } });
    bare.on(Events.InteractionCreate, (interaction) => {
      if (interaction.isChatInputCommand()) void interaction.reply({ content: 'pong', flags: MessageFlags.Ephemeral });
    });
    const ready = once(bare, Events.ClientReady);
    await bare.login(sandbox.token);
    await ready;
    await bare.application!.commands.set([{ name: 'ping', description: 'Answers pong' }]);
    const baseline = await measure(sandbox, { ...command, name: 'ping' });
    await bare.destroy();

    const measureBot = async (storeUrl: string) => {
      const bot: RunningBot = await startHelperCircle({
        config: { discordToken: sandbox.token, discordApiUrl: sandbox.apiUrl, storeUrl, logLevel: 'warn', devGuildId: undefined },
        logger: createLogger({ level: 'warn' }),
      });
      try {
        const setup = await sandbox.slashCommand(setupCommand);
        await setup.reply();
        const show = await measure(sandbox, { ...command, name: 'circle', subcommand: 'show' });
        const write = await measure(sandbox, setupCommand);
        return { show, write };
      } finally {
        await bot.stop();
      }
    };
    const sqlite = await measureBot(`sqlite://${join(folder, 'bench.sqlite')}`);
    const postgres = await measureBot(`${POSTGRES_URL}?schema=${schema}`);

    const ratio = percentile(sqlite.show, 50) / percentile(baseline, 50);
    const postgresRatio = percentile(postgres.show, 50) / percentile(baseline, 50);
    const row = (label: string, samples: number[]) => [
      label,
      ms(percentile(samples, 50)),
      ms(percentile(samples, 95)),
      ms(Math.max(...samples)),
      `${(percentile(samples, 50) / percentile(baseline, 50)).toFixed(2)}x`,
    ];
    process.stdout.write(
      `\ninteraction-overhead: load average ${loadavg()
        .map((load) => load.toFixed(1))
        .join(' ')} on ${availableParallelism()} CPUs (timings are wall-clock)\n`,
    );
    printTable(
      `interaction-overhead: injected command -> first callback, ${SAMPLES} sequential samples after ${WARMUP} warm-up; PostgreSQL at ${new URL(POSTGRES_URL).host} with the shard lease held (commits fenced)`,
      ['client', 'median', 'p95', 'max', 'median / baseline'],
      [
        row('bare discord.js, /ping (baseline)', baseline),
        row('Helper Circle on SQLite, /circle show', sqlite.show),
        row('Helper Circle on PostgreSQL, /circle show', postgres.show),
        row('Helper Circle on SQLite, /circle setup (a write, committed before the answer)', sqlite.write),
        row('Helper Circle on PostgreSQL, /circle setup (a write, committed and fenced before the answer)', postgres.write),
      ],
    );
    const withinTarget = ratio <= TARGET_RATIO && postgresRatio <= TARGET_RATIO;
    process.stdout.write(
      `median ratio, /circle show against the bare client: SQLite ${ratio.toFixed(2)}x, PostgreSQL ${postgresRatio.toFixed(2)}x (target <= ${TARGET_RATIO}x for both): ${withinTarget ? 'met' : 'NOT met'}; ` +
        `a write on PostgreSQL against SQLite: ${(percentile(postgres.write, 50) / percentile(sqlite.write, 50)).toFixed(2)}x the median\n`,
    );
    return { ratio, withinTarget };
  } finally {
    await sandbox.close();
    rmSync(folder, { recursive: true, force: true });
    await dropSchema(schema).catch((error: unknown) => process.stderr.write(`interaction-overhead: could not drop schema ${schema}: ${String(error)}\n`));
  }
}

async function measure(sandbox: Sandbox, command: Parameters<Sandbox['slashCommand']>[0]): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < WARMUP + SAMPLES; index += 1) {
    const handle = await sandbox.slashCommand(command);
    const first = await handle.firstResponse();
    if (index >= WARMUP) samples.push(first.at - handle.createdAt);
  }
  return samples;
}
