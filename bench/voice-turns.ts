import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHelperCircle } from '../src/app.ts';
import { createLogger } from '../src/logging/logger.ts';
import { buttonCustomId } from '../src/sandbox/components.ts';
import type { InteractionHandle } from '../src/sandbox/interactions.ts';
import { startSandbox, type Sandbox } from '../src/sandbox/sandbox.ts';
import type { SandboxMessage } from '../src/sandbox/types.ts';
import { ms, percentile, printTable } from './stats.ts';
import { withTimeout } from './deadline.ts';

/** VOICE_BENCH_GUILDS=<n> runs a smaller world (a quick check); the target is measured with 200. */
const GUILDS = Number(process.env.VOICE_BENCH_GUILDS ?? 200);
const MEMBERS_PER_GUILD = 20;
/** Turns changed in every meeting at once, one burst after the other. */
const BURSTS = 5;
/** The speaking order's p95 (press -> message edited) within this many times the text-only press -> answer p95. */
const TARGET_RATIO = 3;
const CLIENT_REQUESTS_PER_SECOND = 10_000;
const SETUP_CONCURRENCY = 20;
const INJECT_CHUNK = 10;
const POLL_MS = 10;
const STEP_TIMEOUT_MS = 60_000;
const RUN_TIMEOUT_MS = 6 * 60_000;
const CLIENT_FLAG = '--voice-turns-client';

/**
 * Voice meetings at scale: 200 meetings in 200 sandbox guilds, each with 20 members in its voice
 * channel and the check-in round's speaking order posted. In every meeting the current speaker presses
 * Done at the same moment (BURSTS times in a row): latency from the injected press to the speaking-order
 * message edited with the next speaker (Discord's edit time), and to the member's private answer.
 * Baseline, in the same run and the same bot process: in 200 more guilds, text-only meetings (no voice
 * channel), one member each presses Check in at the same moment, BURSTS times; press -> answer.
 * Helper Circle runs in its own Node process, as Discord runs outside the bot's event loop.
 */
export async function voiceTurnsAtScale(): Promise<{ withinTarget: boolean }> {
  const folder = mkdtempSync(join(tmpdir(), 'hc-bench-voice-'));
  const sandbox = await startSandbox();
  let child: ChildProcess | undefined;
  try {
    const voiceGuilds = Array.from({ length: GUILDS }, (_, index) => addGuild(sandbox, `v${index + 1}`, true));
    const textGuilds = Array.from({ length: GUILDS }, (_, index) => addGuild(sandbox, `t${index + 1}`, false));
    child = await startBot(sandbox, folder);
    const report = await withTimeout(measure(sandbox, voiceGuilds, textGuilds), RUN_TIMEOUT_MS, 'the voice turns benchmark');
    return { withinTarget: printReport(report) };
  } finally {
    if (child && child.exitCode === null) {
      child.send({ operation: 'stop' });
      await withTimeout(new Promise((resolve) => child!.once('exit', resolve)), STEP_TIMEOUT_MS, 'the bot to stop').catch(() => child!.kill('SIGKILL'));
    }
    await sandbox.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

interface BenchGuild {
  readonly guildId: string;
  readonly channelId: string;
  readonly voiceChannelId: string | null;
  readonly ownerId: string;
  readonly moderatorRoleId: string;
  readonly moderatorId: string;
  /** In the order they were created: the first meeting's fair order (ids ascending). */
  readonly memberIds: readonly string[];
  readonly names: readonly string[];
}

function addGuild(sandbox: Sandbox, key: string, voice: boolean): BenchGuild {
  const guild = sandbox.createGuild({ name: `Circle ${key}`, ownerUsername: `owner-${key}` });
  const channel = sandbox.createChannel(guild.id, { name: 'circle' });
  const lounge = voice ? sandbox.createChannel(guild.id, { name: 'lounge', type: 2 } as never) : null;
  const moderatorRole = sandbox.createRole(guild.id, { name: 'Circle moderator' });
  const moderator = sandbox.addMember(guild.id, { username: `moderator-${key}`, roles: [moderatorRole.id] });
  const names = Array.from({ length: MEMBERS_PER_GUILD }, (_, m) => `member-${key}-${m + 1}`);
  const memberIds = names.map((name) => sandbox.addMember(guild.id, { username: name }).user.id);
  if (lounge) for (const userId of memberIds) sandbox.joinVoice({ guildId: guild.id, userId, channelId: lounge.id });
  return {
    guildId: guild.id,
    channelId: channel.id,
    voiceChannelId: lounge?.id ?? null,
    ownerId: guild.owner_id,
    moderatorRoleId: moderatorRole.id,
    moderatorId: moderator.user.id,
    memberIds,
    names,
  };
}

interface Burst {
  /** Press -> what was measured, ms, for the presses that got it. */
  readonly latencies: number[];
  readonly missing: number;
}

interface Report {
  readonly orderEdited: Burst;
  readonly voiceAnswered: Burst;
  readonly textAnswered: Burst;
  readonly setupMs: number;
}

async function measure(sandbox: Sandbox, voiceGuilds: readonly BenchGuild[], textGuilds: readonly BenchGuild[]): Promise<Report> {
  const setupStarted = performance.now();
  const orders = new Map<string, string>();
  const rounds = new Map<string, SandboxMessage>();
  await pool([...voiceGuilds, ...textGuilds], async (guild) => {
    const thread = await startMeeting(sandbox, guild);
    if (guild.voiceChannelId) {
      const order = await sandbox.waitForMessage(thread, (m) => m.content.startsWith('**Speaking order'), STEP_TIMEOUT_MS);
      orders.set(guild.guildId, order.id);
    }
    rounds.set(guild.guildId, await sandbox.waitForMessage(thread, (m) => m.content.includes('**Round 1 of'), STEP_TIMEOUT_MS));
  });
  const setupMs = performance.now() - setupStarted;

  const orderEdited: number[] = [];
  const voiceAnswered: number[] = [];
  const textAnswered: number[] = [];
  let orderMissing = 0;
  let voiceMissing = 0;
  let textMissing = 0;
  for (let burst = 0; burst < BURSTS; burst += 1) {
    // Voice: every meeting's speaker presses Done at once.
    const presses = await inject(voiceGuilds, (guild) => {
      const message = sandbox.messages(threadOf(sandbox, guild)).find((m) => m.id === orders.get(guild.guildId))!;
      return sandbox.clickButton({ userId: guild.memberIds[burst]!, message, customId: buttonCustomId(message, 'Done') });
    });
    const next = (guild: BenchGuild) => `Speaking now: **${guild.names[burst + 1]}**`;
    const edits = await waitAll(voiceGuilds, (guild) => {
      const message = sandbox.messages(threadOf(sandbox, guild)).find((m) => m.id === orders.get(guild.guildId));
      return message?.content.includes(next(guild)) && message.edited_timestamp ? Date.parse(message.edited_timestamp) : undefined;
    });
    edits.forEach((at, index) => {
      if (at === undefined) orderMissing += 1;
      else orderEdited.push(at - presses[index]!.createdAt);
    });
    const answered = await firstCallbacks(presses);
    voiceAnswered.push(...answered.latencies);
    voiceMissing += answered.missing;

    // Text-only: one member in every text meeting presses Check in at once.
    const clicks = await inject(textGuilds, (guild) => {
      const message = rounds.get(guild.guildId)!;
      return sandbox.clickButton({ userId: guild.memberIds[burst]!, message, customId: buttonCustomId(message, 'Check in') });
    });
    const text = await firstCallbacks(clicks);
    textAnswered.push(...text.latencies);
    textMissing += text.missing;
  }
  return {
    orderEdited: { latencies: orderEdited, missing: orderMissing },
    voiceAnswered: { latencies: voiceAnswered, missing: voiceMissing },
    textAnswered: { latencies: textAnswered, missing: textMissing },
    setupMs,
  };
}

function printReport(report: Report): boolean {
  const p = (burst: Burst, rank: number) => percentile([...burst.latencies, ...Array<number>(burst.missing).fill(Number.POSITIVE_INFINITY)], rank);
  const time = (value: number) => (Number.isFinite(value) ? ms(value) : 'never');
  const row = (label: string, burst: Burst) => [
    label,
    `${burst.latencies.length}/${burst.latencies.length + burst.missing}`,
    time(p(burst, 50)),
    time(p(burst, 95)),
    time(p(burst, 100)),
  ];
  printTable(
    `voice turns: ${GUILDS} voice meetings with ${MEMBERS_PER_GUILD} members each in voice, every speaker presses Done at once (${BURSTS} times); against ${GUILDS} text-only meetings, one Check in each at once`,
    ['step', 'got it', 'p50', 'p95', 'max'],
    [
      row('text-only round: Check in -> answer (baseline)', report.textAnswered),
      row('voice: Done -> speaking order edited', report.orderEdited),
      row('voice: Done -> private answer', report.voiceAnswered),
    ],
  );
  const ratio = p(report.orderEdited, 95) / p(report.textAnswered, 95);
  const withinTarget = Number.isFinite(ratio) && ratio <= TARGET_RATIO;
  process.stdout.write(
    `speaking order p95 ${Number.isFinite(ratio) ? `${ratio.toFixed(1)}x` : 'n/a'} the text-only round's (target within ${TARGET_RATIO}x): ${withinTarget ? 'met' : 'NOT met'}; ` +
      `set-up of ${GUILDS * 2} meetings took ${(report.setupMs / 1000).toFixed(1)} s; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs\n`,
  );
  return withinTarget;
}

function threadOf(sandbox: Sandbox, guild: BenchGuild): string {
  const [thread] = sandbox.threads(guild.channelId);
  if (!thread) throw new Error(`no meeting thread in guild ${guild.guildId}`);
  return thread.id;
}

/** /circle setup and /meeting start (format short, with the voice channel when there is one); resolves with the thread. */
async function startMeeting(sandbox: Sandbox, guild: BenchGuild): Promise<string> {
  const setup = await sandbox.slashCommand({
    guildId: guild.guildId,
    channelId: guild.channelId,
    userId: guild.ownerId,
    name: 'circle',
    subcommand: 'setup',
    options: { channel: guild.channelId, 'moderator-role': guild.moderatorRoleId },
  });
  await setup.reply(STEP_TIMEOUT_MS);
  const start = await sandbox.slashCommand({
    guildId: guild.guildId,
    channelId: guild.channelId,
    userId: guild.moderatorId,
    name: 'meeting',
    subcommand: 'start',
    options: { format: 'short', ...(guild.voiceChannelId ? { 'voice-channel': guild.voiceChannelId } : {}) },
  });
  await start.reply(STEP_TIMEOUT_MS);
  return threadOf(sandbox, guild);
}

/** One press per guild, as fast as the sandbox can inject them (yielding every INJECT_CHUNK so it answers meanwhile). */
async function inject(guilds: readonly BenchGuild[], act: (guild: BenchGuild) => Promise<InteractionHandle>): Promise<InteractionHandle[]> {
  const handles: Array<Promise<InteractionHandle>> = [];
  for (const guild of guilds) {
    handles.push(act(guild));
    if (handles.length % INJECT_CHUNK === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return Promise.all(handles);
}

/** Polls until `check` gives a value for every guild (or the step times out); undefined where it never did. */
async function waitAll(guilds: readonly BenchGuild[], check: (guild: BenchGuild) => number | undefined): Promise<Array<number | undefined>> {
  const found: Array<number | undefined> = guilds.map(() => undefined);
  const giveUpAt = performance.now() + STEP_TIMEOUT_MS / 6;
  while (found.some((value) => value === undefined) && performance.now() < giveUpAt) {
    guilds.forEach((guild, index) => {
      found[index] ??= check(guild);
    });
    if (found.some((value) => value === undefined)) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return found;
}

async function firstCallbacks(handles: readonly InteractionHandle[]): Promise<Burst> {
  const giveUpAt = performance.now() + STEP_TIMEOUT_MS / 6;
  while (handles.some((handle) => handle.callbacks.length === 0) && performance.now() < giveUpAt) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const latencies = handles.flatMap((handle) => (handle.callbacks[0] ? [handle.callbacks[0].at - handle.createdAt] : []));
  return { latencies, missing: handles.length - latencies.length };
}

async function pool<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await withTimeout(Promise.all(Array.from({ length: SETUP_CONCURRENCY }, worker)), 3 * STEP_TIMEOUT_MS, 'set-up');
}

// ------------------------------------------------------------------ Helper Circle, in its own process

async function startBot(sandbox: Sandbox, folder: string): Promise<ChildProcess> {
  const child = fork(fileURLToPath(import.meta.url), [CLIENT_FLAG, JSON.stringify({ apiUrl: sandbox.apiUrl, token: sandbox.token, folder })], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`the bot exited (${code}) before it was ready`)));
    }),
    STEP_TIMEOUT_MS,
    'the bot to be ready',
  );
  return child;
}

async function runBot(options: { apiUrl: string; token: string; folder: string }): Promise<void> {
  let logged = 0;
  const bot = await startHelperCircle({
    config: {
      discordToken: options.token,
      discordApiUrl: options.apiUrl,
      storeUrl: `sqlite://${join(options.folder, 'voice.sqlite')}`,
      logLevel: 'warn',
      devGuildId: undefined,
    },
    logger: createLogger({
      level: 'warn',
      sink: {
        write: (line: string) => {
          if (logged++ < 3) process.stderr.write(`bot: ${line.slice(0, 300)}\n`);
        },
      },
    }),
    globalRequestsPerSecond: CLIENT_REQUESTS_PER_SECOND,
  });
  process.on('message', (message: { operation: string }) => {
    if (message.operation === 'stop') void bot.stop().then(() => process.exit(0));
  });
  process.send!({ ready: true });
}

if (process.argv.includes(CLIENT_FLAG)) {
  await runBot(JSON.parse(process.argv[process.argv.indexOf(CLIENT_FLAG) + 1]!));
}
