import { fork, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { REST, RESTEvents } from 'discord.js';
import { DateTime } from 'luxon';
import { startHelperCircle, type RunningBot } from '../src/app.ts';
import type { Config } from '../src/config/config.ts';
import { MeetingConductor } from '../src/discord/meeting-conductor.ts';
import { applyCircleSettingsChange } from '../src/domain/circle/circle-settings.ts';
import { WEEKDAYS } from '../src/domain/circle/time-of-day.ts';
import { nextOccurrenceDetail, previousOccurrenceDetail, reminderAt } from '../src/domain/schedules/occurrences.ts';
import { checkScheduleInput, type WeeklySchedule } from '../src/domain/schedules/schedule.ts';
import { createLogger } from '../src/logging/logger.ts';
import { startSandbox, type Sandbox } from '../src/sandbox/sandbox.ts';
import { ScheduleService } from '../src/services/schedule-service.ts';
import { circleSettingsRecord, circleSettingsRepository } from '../src/store/circle-settings-repository.ts';
import { guildKey } from '../src/store/guild-document.ts';
import { guildIndexKey } from '../src/store/guild-index.ts';
import { GuildWriteQueue } from '../src/store/guild-write-queue.ts';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import { ScheduleStore, type ScheduleEntry } from '../src/store/schedule-store.ts';
import { seededRandom } from './random.ts';
import { ms, percentile, printTable } from './stats.ts';
import { withTimeout } from './deadline.ts';
import { floorMs, floorRow, type RequestWindow } from './floor.ts';
import { benchSchema, dropSchema, POSTGRES_URL } from './postgres.ts';
import { firingSchedule } from './schedules.ts';

// ------------------------------------------------------------------ sizes and targets

const GUILDS = 10_000;
const SHARD_COUNT = 4;
/** The two bot processes, as two machines would run them: `SHARD_IDS=0,1` and `SHARD_IDS=2,3`. */
const PROCESSES: ReadonlyArray<readonly number[]> = [
  [0, 1],
  [2, 3],
];
const FIRING_GUILDS = 500;
/** Discord's global limit per token, enforced by the sandbox over every client of the token. */
const GLOBAL_REQUESTS_PER_SECOND = 50;
const TARGET_FLOOR_RATIO = 1.2;
/** The bots' schedule tick in this run: short, so the tick that fires follows the clock jump closely. */
const TICK_MS = 100;
const RSS_SAMPLE_MS = 50;
/** Only to notice the end: times come from the sandbox's stored messages. */
const POLL_MS = 100;
const START_TIMEOUT_MS = 180_000;
const FIRING_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
const CHILD_FLAG = '--sharded-bot';
const MB = 1024 * 1024;
const ZONES = [
  'Europe/London',
  'Europe/Berlin',
  'Europe/Helsinki',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'Australia/Adelaide',
  'Pacific/Auckland',
  'Africa/Lagos',
  'UTC',
] as const;

/**
 * Past one process: 10,000 guilds on 4 gateway shards served by 2 bot processes (shards 0,1 and 2,3),
 * each its own Node process, through one REST proxy (`npm run proxy`, a child process) on one
 * PostgreSQL store (a fresh schema, dropped after), against the sandbox in this process enforcing
 * Discord's 50 requests/s per token over every client of the token.
 *
 * The store is seeded before the bots start as a running bot would have left it: every guild set up
 * (settings, in the circle index) with 2 weekly schedules, all handled up to now and their Discord
 * events recorded; in 500 guilds (125 per shard) one schedule falls due in the same coming minute.
 *
 * Measured per process: start-up (spawn -> ready, and of it the start-up reconciliation: the first
 * schedule pass over its 5,000 guilds, cold, and picking up unfinished meetings), RSS when ready and at
 * peak. Then the clock of both processes jumps to the minute: from the start of the first tick that
 * fires to the last of the 500 opening messages stored by the sandbox, against the floor (the requests
 * the sandbox accepted in that window / 50 per second, the budget both processes share). Targets: within
 * 1.2x of the floor, no 429 from the sandbox, each firing guild's meeting started exactly once (and no
 * other guild's).
 */
export async function shardedAtScale(): Promise<{ withinTarget: boolean }> {
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  try {
    return { withinTarget: printReport(await measure(cleanup)) };
  } finally {
    for (const step of cleanup.reverse()) {
      await withTimeout(Promise.resolve(step()), STOP_TIMEOUT_MS, 'clean-up').catch((error: unknown) =>
        process.stderr.write(`sharded: clean-up step failed: ${String(error)}\n`),
      );
    }
  }
}

interface BenchGuild {
  readonly guildId: string;
  readonly channelId: string;
  readonly shard: number;
  readonly timezone: string;
  readonly fires: boolean;
}

interface Report {
  readonly loadBefore: number[];
  readonly loadAfter: number[];
  readonly worldMs: number;
  readonly seedMs: number;
  readonly bots: BotReport[];
  readonly firing: FiringResult;
}

async function measure(cleanup: Array<() => Promise<unknown> | unknown>): Promise<Report> {
  const loadBefore = loadavg();
  const sandbox = await startSandbox({
    globalRequestsPerSecond: GLOBAL_REQUESTS_PER_SECOND,
    recommendedShards: SHARD_COUNT,
    // Discord's own interval: the sandbox's test default (500 ms) is missed by a process busy taking in
    // 2,500 guilds on a loaded machine, and the reconnect that follows is not what is measured here.
    heartbeatIntervalMs: 41_250,
  });
  cleanup.push(() => sandbox.close());

  const worldStarted = performance.now();
  const random = seededRandom(23);
  const guilds: BenchGuild[] = [];
  for (let index = 0; index < GUILDS; index += 1) {
    const shard = index % SHARD_COUNT;
    const guild = sandbox.createGuild({ name: `Circle ${index}`, ownerUsername: `owner${index}`, shard: [shard, SHARD_COUNT] });
    const channel = sandbox.createChannel(guild.id, { name: 'circle' });
    // One guild in 20, four neighbours (one per shard) in every 80: 500 in all, 125 on each shard.
    const fires = Math.floor(index / SHARD_COUNT) % 20 === 0;
    guilds.push({ guildId: guild.id, channelId: channel.id, shard, timezone: ZONES[Math.floor(random() * ZONES.length)]!, fires });
  }
  const worldMs = performance.now() - worldStarted;
  if (guilds.filter((guild) => guild.fires).length !== FIRING_GUILDS) throw new Error('sharded: the world does not have 500 firing guilds');

  // The coming occurrence, far enough ahead that start-up cannot reach it before the clock jumps.
  const occurrence = new Date(Math.ceil((Date.now() + 15 * 60_000) / 60_000) * 60_000);
  const schema = benchSchema('sharded');
  const storeUrl = `${POSTGRES_URL}?schema=${schema}`;
  cleanup.push(() => dropSchema(schema));
  const seedStarted = performance.now();
  await seedStore(storeUrl, guilds, occurrence, random);
  const seedMs = performance.now() - seedStarted;

  const proxy = await startProxy(sandbox, cleanup);
  const bots = PROCESSES.map((shardIds) => startBot({ shardIds, storeUrl, apiUrl: proxy.apiUrl, token: sandbox.token }, cleanup));
  const started = await withTimeout(Promise.all(bots.map((bot) => bot.ready)), START_TIMEOUT_MS, 'both bot processes to be ready');

  // The sandbox compiles each route's request schema on first use; a running bot would have used these
  // routes long before. Warm them outside the measured window, then let the one-second window empty.
  const rest = new REST({ api: sandbox.apiUrl }).setToken(sandbox.token);
  // In a guild with no schedule due (every shard holds its 2,500 guilds already, Discord's most).
  const warmChannel = { id: guilds.find((guild) => !guild.fires)!.channelId };
  const warm = (await rest.post(`/channels/${warmChannel.id}/messages`, { body: { content: 'warm-up' } })) as { id: string };
  const thread = (await rest.post(`/channels/${warmChannel.id}/messages/${warm.id}/threads`, { body: { name: 'warm-up' } })) as { id: string };
  await rest.post(`/channels/${thread.id}/messages`, { body: { content: 'warm-up' } });
  await sleep(1_500);

  const firing = await fireAndTime(sandbox, bots, guilds, occurrence);
  const reports = await Promise.all(bots.map((bot) => bot.report()));
  for (const bot of bots) await bot.stop();
  return {
    loadBefore,
    loadAfter: loadavg(),
    worldMs,
    seedMs,
    bots: reports.map((report, index) => ({ ...report, ...started[index]! })),
    firing,
  };
}

// ------------------------------------------------------------------ the report

function printReport({ loadBefore, loadAfter, worldMs, seedMs, bots, firing }: Report): boolean {
  const load = (values: number[]) => values.map((value) => value.toFixed(1)).join(' ');
  process.stdout.write(
    `\nsharded: load average ${load(loadBefore)} before, ${load(loadAfter)} after, on ${availableParallelism()} CPUs shared by the sandbox, the proxy and both bots ` +
      `(timings are wall-clock; above ${availableParallelism()} they are noisy)\n`,
  );
  printTable(
    `sharded-start-up: ${GUILDS.toLocaleString('en')} guilds on ${SHARD_COUNT} shards, 2 schedules each, in PostgreSQL (seeded in ${ms(seedMs)}; sandbox world built in ${ms(worldMs)}); ` +
      `${PROCESSES.length} bot processes through the REST proxy`,
    [
      'process',
      'guilds',
      'spawn -> ready',
      'startHelperCircle',
      'schedule reconciliation (first pass, cold)',
      'meetings picked up',
      'RSS when ready (MB)',
      'peak RSS (MB)',
      'heap used when ready (MB)',
    ],
    bots.map((bot) => [
      `shards ${bot.shardIds.join(',')}`,
      String(bot.guilds),
      ms(bot.readyMs),
      ms(bot.startMs),
      `${ms(bot.reconcileMs)} (${bot.reconcileGuilds} guilds)`,
      ms(bot.meetingsReconcileMs),
      mb(bot.rssReady),
      mb(bot.peakRss),
      mb(bot.heapReady),
    ]),
  );

  const openFloor = floorMs(firing.openWindow, GLOBAL_REQUESTS_PER_SECOND);
  printTable(
    `sharded-minute: ${FIRING_GUILDS} scheduled meetings start in the same minute, ${FIRING_GUILDS / PROCESSES.length} in each process; sandbox enforcing ${GLOBAL_REQUESTS_PER_SECOND} requests/s ` +
      `for the token; from the start of the first tick that fires; floor = requests accepted in the window / ${GLOBAL_REQUESTS_PER_SECOND} per s`,
    ['until', 'elapsed', 'requests accepted', '429s from the sandbox', 'floor', 'elapsed / floor', 'accepted, by route'],
    [
      floorRow(`last of ${FIRING_GUILDS} opening messages posted`, firing.openMs, firing.openWindow, GLOBAL_REQUESTS_PER_SECOND),
      floorRow(`every meeting's round 1 posted in its thread`, firing.fullMs, firing.fullWindow, GLOBAL_REQUESTS_PER_SECOND),
    ],
  );
  printTable(
    'sharded-minute: per process',
    [
      'process',
      'tick began after the jump',
      'dueActions in that tick',
      'meetings stored as started, first / last (from its tick)',
      'first REST answer (from its tick)',
      'last opening (from the first tick)',
      'openings median / p95',
      '429s the proxy answered it',
      'CPU used / wall time, jump to end',
    ],
    bots.map((bot) => {
      const opened = firing.openedMsByShards.get(bot.shardIds.join(',')) ?? [];
      return [
        `shards ${bot.shardIds.join(',')}`,
        bot.firingTick ? ms(bot.firingTick.at - firing.jumpedAt) : 'never',
        bot.firingTick ? `${ms(bot.firingTick.durationMs)} (${bot.firingTick.count} actions)` : '',
        bot.firingTick && bot.firesStored ? `${ms(bot.firesStored.first - bot.firingTick.at)} / ${ms(bot.firesStored.last - bot.firingTick.at)}` : '',
        bot.firingTick && bot.firstAnswerAt ? ms(bot.firstAnswerAt - bot.firingTick.at) : '',
        ms(Math.max(...opened)),
        `${ms(percentile(opened, 50))} / ${ms(percentile(opened, 95))}`,
        String(bot.proxied429s),
        `${ms(bot.cpuSinceJumpMs)} / ${ms(bot.wallSinceJumpMs)}`,
      ];
    }),
  );
  process.stdout.write(
    `minute: requests the sandbox accepted in each second from the tick: ${firing.perSecond.join(' ')}; ` +
      `the sandbox's process used ${ms(firing.sandboxCpu.cpuMs)} of CPU in ${ms(firing.sandboxCpu.wallMs)}\n`,
  );
  const { openings } = firing;
  process.stdout.write(
    `minute: ${openings.exactlyOne}/${FIRING_GUILDS} firing guilds with exactly one opening (${openings.none} none, ${openings.several} several), ` +
      `${openings.withThread}/${FIRING_GUILDS} with their round 1 in the thread, ${openings.elsewhere} openings in the ${GUILDS - FIRING_GUILDS} other guilds; ` +
      `429s from the sandbox over the whole run: ${firing.refusedTotal} (most admitted in one second: ${firing.peakPerSecond})\n`,
  );
  const correct = openings.exactlyOne === FIRING_GUILDS && openings.withThread === FIRING_GUILDS && openings.elsewhere === 0;
  const ratio = firing.openMs / openFloor;
  const met = correct && ratio <= TARGET_FLOOR_RATIO && firing.refusedTotal === 0;
  process.stdout.write(
    `minute: last opening ${ms(firing.openMs)} vs floor ${ms(openFloor)} = ${ratio.toFixed(2)}x (target <= ${TARGET_FLOOR_RATIO}x, no 429 from the sandbox, ` +
      `every firing guild exactly one opening): ${met ? 'met' : 'NOT met'}\n`,
  );
  return met;
}

const mb = (bytes: number) => (bytes / MB).toFixed(1);

// ------------------------------------------------------------------ seeding the store

/**
 * Every guild as /circle setup and /schedule add leave it, written straight to the store's keys in the
 * shapes the services write, all handed to the group commit at once (it writes 500 rows a statement):
 * settings (circle index included), and 2 weekly schedules in their steady state (every earlier
 * occurrence and reminder handled, the next one's Discord event recorded, none due before the minute
 * measured nor in it). A firing guild's first schedule is at `occurrence` instead, set up today. One
 * seeded guild is then read back through the bot's own stores, whose schemas would refuse a drifted shape.
 */
async function seedStore(url: string, guilds: readonly BenchGuild[], occurrence: Date, random: () => number): Promise<void> {
  const store = await openPostgresStore(url);
  try {
    const now = new Date();
    const createdAt = new Date(now.getTime() - 200 * 86_400_000).toISOString();
    // Nothing of the steady schedules may fall due between now and well after the minute measured.
    const quietUntil = occurrence.getTime() + 30 * 60_000;
    const writes: Array<Promise<unknown>> = [];
    for (const [index, guild] of guilds.entries()) {
      // Reflections on a day three days off, so no weekly reflection falls in the minute measured.
      const reflectionDay = WEEKDAYS[(DateTime.fromJSDate(occurrence, { zone: guild.timezone }).weekday + 2) % 7]!;
      const settings = applyCircleSettingsChange(
        undefined,
        { circleChannelId: guild.channelId, timezone: guild.timezone, reflectionDay },
        { userId: 'seed', at: now },
      );
      if (!settings.ok) throw new Error(`seed: bad settings for ${guild.timezone}`);
      const entries: ScheduleEntry[] = [];
      if (guild.fires) entries.push(firingEntry(index, guild, occurrence, now));
      while (entries.length < 2) entries.push(steadyEntry(index, entries.length, guild, now, quietUntil, createdAt, random));
      writes.push(
        store.keyv.set(guildKey(guild.guildId, 'circle-settings'), circleSettingsRecord.write(settings.value)),
        store.keyv.set(guildIndexKey('circle-guilds', guild.guildId), true),
        store.keyv.set(guildKey(guild.guildId, 'schedules'), entries),
        store.keyv.set(guildIndexKey('schedule-guilds', guild.guildId), true),
      );
    }
    await Promise.all(writes);
    const probe = guilds.find((guild) => guild.fires)!;
    const schedules = await new ScheduleStore(store).list(probe.guildId);
    const settings = await circleSettingsRepository(store, new GuildWriteQueue()).get(probe.guildId);
    if (schedules.length !== 2 || settings?.circleChannelId !== probe.channelId) throw new Error('seed: the bot does not read the seeded records back');
  } finally {
    await store.close();
  }
}

function firingEntry(index: number, guild: BenchGuild, occurrence: Date, now: Date): ScheduleEntry {
  const schedule = firingSchedule(index, guild.timezone, occurrence, `${index.toString(16).padStart(8, '0')}0`, now.toISOString());
  return { schedule, lastFiredKey: null, lastRemindedKey: null, event: null };
}

/** A schedule at a random time whose next occurrence (and reminder) comes after `quietUntil`, left as the bot leaves it. */
function steadyEntry(index: number, slot: number, guild: BenchGuild, now: Date, quietUntil: number, createdAt: string, random: () => number): ScheduleEntry {
  for (;;) {
    const checked = checkScheduleInput({
      name: `Circle ${index}-${slot}`,
      weekday: WEEKDAYS[Math.floor(random() * 7)]!,
      time: `${String(6 + Math.floor(random() * 17)).padStart(2, '0')}:${random() < 0.5 ? '00' : '30'}`,
      timezone: guild.timezone,
      durationMinutes: 60,
      reminderMinutes: [0, 15, 60, 120][Math.floor(random() * 4)]!,
      format: random() < 0.5 ? 'grow' : 'short',
    });
    if (!checked.ok) throw new Error(`seed: bad schedule ${JSON.stringify(checked.error)}`);
    const schedule: WeeklySchedule = { ...checked.value, id: `${index.toString(16).padStart(8, '0')}${slot}`, skipDates: [], createdAt };
    const previous = previousOccurrenceDetail(schedule, now);
    const next = nextOccurrenceDetail(schedule, now);
    const remind = reminderAt(schedule, next.at);
    // Also clear of the last hour, so start-up has no late start or missed meeting to report either.
    if (next.at.getTime() <= quietUntil || (remind && remind.getTime() <= quietUntil) || previous.at.getTime() > now.getTime() - 3 * 3_600_000) continue;
    return {
      schedule,
      lastFiredKey: previous.key,
      lastRemindedKey: schedule.reminderMinutes === 0 ? null : previous.key,
      event: { id: String(BigInt(guild.guildId) + 10n + BigInt(slot)), key: next.key, status: 'scheduled' },
    };
  }
}

// ------------------------------------------------------------------ the REST proxy and the bot processes

/** `npm run proxy`, as an operator starts it, in a child process; resolves with its API URL once it listens. */
async function startProxy(sandbox: Sandbox, cleanup: Array<() => Promise<unknown> | unknown>): Promise<{ apiUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../src/proxy/main.ts', import.meta.url))], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DISCORD_TOKEN: sandbox.token,
      DISCORD_API_URL: sandbox.apiUrl,
      PROXY_HOST: '127.0.0.1',
      PROXY_PORT: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanup.push(() => stopChild(child));
  return withTimeout(
    new Promise<{ apiUrl: string }>((resolve, reject) => {
      let pending = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) {
          const parsed = JSON.parse(line) as { msg?: string; apiUrl?: string };
          if (parsed.msg === 'REST proxy listening' && parsed.apiUrl) resolve({ apiUrl: parsed.apiUrl });
        }
      });
      child.once('exit', (code) => reject(new Error(`the REST proxy exited (${code}) before listening`)));
    }),
    START_TIMEOUT_MS,
    'the REST proxy',
  );
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

interface BotTask {
  readonly shardIds: readonly number[];
  readonly storeUrl: string;
  readonly apiUrl: string;
  readonly token: string;
}

/** What a bot process says once ready. */
interface BotStarted {
  readonly shardIds: readonly number[];
  readonly guilds: number;
  /** From this process's spawn (its time origin) to startHelperCircle resolved. */
  readonly readyMs: number;
  readonly startMs: number;
  /** The first ScheduleService.dueActions (at start-up: reads its guilds' schedules, decides each). */
  readonly reconcileMs: number;
  readonly reconcileGuilds: number;
  readonly meetingsReconcileMs: number;
  readonly rssReady: number;
  readonly heapReady: number;
}

/** What a bot process says at the end. */
interface BotEnd {
  readonly peakRss: number;
  /** The first tick after the jump whose dueActions returned meetings to start: when it began (epoch ms, precise). */
  readonly firingTick: { readonly at: number; readonly durationMs: number; readonly count: number } | undefined;
  /** 429 answers this process got (from the proxy: the shared budget spent, or passed on from the sandbox). */
  readonly proxied429s: number;
  /** CPU time (user + system) this process used from the clock jump to its report, and the wall time between. */
  readonly cpuSinceJumpMs: number;
  /** After the jump, when the first and the last meeting was stored as started (ScheduleService.fire resolved), epoch ms. */
  readonly firesStored: { readonly first: number; readonly last: number } | undefined;
  /** After the jump, when the first answer to a REST request came back, epoch ms. */
  readonly firstAnswerAt: number | undefined;
  readonly wallSinceJumpMs: number;
}

type BotReport = BotStarted & BotEnd;

interface BotHandle {
  readonly shardIds: readonly number[];
  readonly ready: Promise<BotStarted>;
  setClockOffset(offsetMs: number): void;
  report(): Promise<BotEnd>;
  stop(): Promise<void>;
}

/** A bot process: this file in a fresh Node process, `npm start` with SHARD_COUNT=4 and its SHARD_IDS, through the proxy. */
function startBot(task: BotTask, cleanup: Array<() => Promise<unknown> | unknown>): BotHandle {
  const profile = process.env.SHARDED_BENCH_CPU_PROF;
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, JSON.stringify(task)], {
    execArgv: ['--import', import.meta.resolve('tsx'), ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  cleanup.push(() => stopChild(child));
  const answers = new Map<string, (value: unknown) => void>();
  const failed = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`the bot process for shards ${task.shardIds.join(',')} exited (${signal ?? code})`)));
  });
  failed.catch(() => undefined);
  child.on('message', (message: { kind: string; value?: unknown; error?: string }) => {
    if (message.error !== undefined) process.stderr.write(`sharded: bot process ${task.shardIds.join(',')}: ${message.error}\n`);
    answers.get(message.kind)?.(message.value);
  });
  const answer = <T>(kind: string) => Promise.race([new Promise<T>((resolve) => answers.set(kind, resolve as (value: unknown) => void)), failed]);
  const ready = answer<BotStarted>('ready');
  return {
    shardIds: task.shardIds,
    ready,
    setClockOffset: (offsetMs) => child.send({ clockOffsetMs: offsetMs }),
    report() {
      const reported = answer<BotEnd>('report');
      child.send({ report: true });
      return withTimeout(reported, STOP_TIMEOUT_MS, 'a bot process report');
    },
    async stop() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ stop: true });
      await withTimeout(exited, STOP_TIMEOUT_MS, 'a bot process to stop');
    },
  };
}

/** The bot process (CHILD_FLAG): starts the bot, answers the parent's messages, keeps its own measures. */
async function runBotProcess(task: BotTask): Promise<void> {
  let clockOffsetMs = 0;
  let peakRss = 0;
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };
  const sampler = setInterval(sample, RSS_SAMPLE_MS);
  // Measures taken around the bot's own code (its behaviour unchanged): the first dueActions is the
  // start-up reconciliation; the first one after the jump that returns meetings to start begins the firing tick.
  let reconcile: { ms: number; guilds: number } | undefined;
  let firingTick: BotEnd['firingTick'];
  let jumped = false;
  const dueActions = ScheduleService.prototype.dueActions;
  ScheduleService.prototype.dueActions = async function (this: ScheduleService) {
    const at = performance.timeOrigin + performance.now();
    const actions = await dueActions.call(this);
    const durationMs = performance.timeOrigin + performance.now() - at;
    if (!reconcile) reconcile = { ms: durationMs, guilds: (await this.guildIds()).length };
    const starts = actions.filter((action) => action.kind === 'start').length;
    if (jumped && !firingTick && starts > 0) firingTick = { at, durationMs, count: starts };
    return actions;
  };
  let firesStored: { first: number; last: number } | undefined;
  const fire = ScheduleService.prototype.fire;
  ScheduleService.prototype.fire = async function (this: ScheduleService, ...args: Parameters<ScheduleService['fire']>) {
    const outcome = await fire.apply(this, args);
    const at = performance.timeOrigin + performance.now();
    if (jumped) firesStored = { first: firesStored?.first ?? at, last: at };
    return outcome;
  };
  let meetingsReconcileMs = 0;
  const reconcileMeetings = MeetingConductor.prototype.reconcile;
  MeetingConductor.prototype.reconcile = async function (this: MeetingConductor) {
    const at = performance.now();
    await reconcileMeetings.call(this);
    meetingsReconcileMs = performance.now() - at;
  };

  const config: Config = {
    discordToken: task.token,
    discordApiUrl: task.apiUrl,
    storeUrl: task.storeUrl,
    logLevel: 'warn',
    devGuildId: undefined,
    shards: { count: SHARD_COUNT, ids: [...task.shardIds] },
  };
  const startedAt = performance.now();
  const bot: RunningBot = await startHelperCircle({
    config,
    logger: createLogger({ level: 'warn', secrets: [task.token] }),
    now: () => new Date(Date.now() + clockOffsetMs),
    scheduleTickMs: TICK_MS,
  });
  const readyAt = performance.now();
  let proxied429s = 0;
  let firstAnswerAt: number | undefined;
  bot.client.rest.on(RESTEvents.Response, (_request, response) => {
    if (jumped) firstAnswerAt ??= performance.timeOrigin + performance.now();
    if (response.status === 429) proxied429s += 1;
  });
  sample();
  const memory = process.memoryUsage();
  const started: BotStarted = {
    shardIds: task.shardIds,
    guilds: bot.client.guilds.cache.size,
    readyMs: readyAt,
    startMs: readyAt - startedAt,
    reconcileMs: reconcile?.ms ?? Number.NaN,
    reconcileGuilds: reconcile?.guilds ?? 0,
    meetingsReconcileMs,
    rssReady: memory.rss,
    heapReady: memory.heapUsed,
  };
  process.send!({ kind: 'ready', value: started });

  let cpuAtJump: NodeJS.CpuUsage | undefined;
  let wallAtJump = 0;
  process.on('message', (message: { clockOffsetMs?: number; report?: boolean; stop?: boolean }) => {
    if (typeof message.clockOffsetMs === 'number') {
      jumped = true;
      cpuAtJump = process.cpuUsage();
      wallAtJump = performance.now();
      clockOffsetMs = message.clockOffsetMs;
    }
    if (message.report) {
      sample();
      const cpu = process.cpuUsage(cpuAtJump);
      const end: BotEnd = {
        peakRss,
        firingTick,
        firesStored,
        firstAnswerAt,
        proxied429s,
        cpuSinceJumpMs: (cpu.user + cpu.system) / 1000,
        wallSinceJumpMs: performance.now() - wallAtJump,
      };
      process.send!({ kind: 'report', value: end });
    }
    if (message.stop) {
      clearInterval(sampler);
      bot.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          process.send!({ kind: 'stopped', error: String(error) });
          process.exit(1);
        },
      );
    }
  });
  // The bench went away: go too rather than linger.
  process.on('disconnect', () => process.exit(1));
}

// ------------------------------------------------------------------ the minute

interface FiringResult {
  readonly jumpedAt: number;
  /** From the first firing tick's start to the last opening message stored by the sandbox. */
  readonly openMs: number;
  readonly openedMsByShards: Map<string, number[]>;
  readonly fullMs: number;
  readonly openWindow: RequestWindow;
  readonly fullWindow: RequestWindow;
  readonly refusedTotal: number;
  readonly peakPerSecond: number;
  /** Requests the sandbox accepted in each second from the tick's start, until the last round 1. */
  readonly perSecond: number[];
  /** CPU time of this process (the sandbox, and the polling) from the jump until every round 1 was posted. */
  readonly sandboxCpu: { readonly cpuMs: number; readonly wallMs: number };
  readonly openings: { readonly exactlyOne: number; readonly none: number; readonly several: number; readonly withThread: number; readonly elsewhere: number };
}

const isOpening = (content: string) => content.includes('has started');

/** The first message in a thread started from the guild's circle channel (round 1), if any. */
function roundOf(sandbox: Sandbox, guild: BenchGuild) {
  for (const thread of sandbox.threads(guild.channelId)) {
    const [first] = sandbox.messages(thread.id);
    if (first) return first;
  }
  return undefined;
}

async function fireAndTime(sandbox: Sandbox, bots: readonly BotHandle[], guilds: readonly BenchGuild[], occurrence: Date): Promise<FiringResult> {
  const firing = guilds.filter((guild) => guild.fires);
  const jumpedAt = performance.timeOrigin + performance.now();
  const cpuAtJump = process.cpuUsage();
  const offsetMs = occurrence.getTime() + 100 - Date.now();
  for (const bot of bots) bot.setClockOffset(offsetMs);
  const pending = new Set(firing);
  let gaveUp = false;
  try {
    await withTimeout(
      (async () => {
        while (pending.size > 0 && !gaveUp) {
          await sleep(POLL_MS);
          for (const guild of [...pending]) if (roundOf(sandbox, guild)) pending.delete(guild);
        }
      })(),
      FIRING_TIMEOUT_MS,
      `${FIRING_GUILDS} scheduled meetings to open (${pending.size} still waiting)`,
    );
  } finally {
    gaveUp = true;
  }
  const cpu = process.cpuUsage(cpuAtJump);
  const sandboxCpu = { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.timeOrigin + performance.now() - jumpedAt };
  // Later ticks must not open anything twice.
  await sleep(1_000);
  const ticks = (await Promise.all(bots.map((bot) => bot.report()))).map((report) => report.firingTick?.at);
  if (ticks.some((at) => at === undefined)) throw new Error('sharded: a bot process never ran a tick that fired');
  const tickStart = Math.min(...(ticks as number[]));

  const openings = { exactlyOne: 0, none: 0, several: 0, withThread: 0, elsewhere: 0 };
  const openedMsByShards = new Map<string, number[]>();
  let lastOpen = 0;
  let lastRound = 0;
  for (const guild of guilds) {
    const found = sandbox.messages(guild.channelId).filter((message) => isOpening(message.content));
    if (!guild.fires) {
      openings.elsewhere += found.length;
      continue;
    }
    if (found.length === 1) openings.exactlyOne += 1;
    else if (found.length === 0) openings.none += 1;
    else openings.several += 1;
    const round = roundOf(sandbox, guild);
    if (round) {
      openings.withThread += 1;
      lastRound = Math.max(lastRound, Date.parse(round.timestamp));
    }
    if (found[0]) {
      const opened = Date.parse(found[0].timestamp);
      lastOpen = Math.max(lastOpen, opened);
      const shards = PROCESSES.find((ids) => ids.includes(guild.shard))!.join(',');
      openedMsByShards.set(shards, [...(openedMsByShards.get(shards) ?? []), opened - tickStart]);
    }
  }
  const window = (untilAt: number): RequestWindow => {
    const byRoute: Record<string, number> = {};
    let accepted = 0;
    let refused = 0;
    // Message timestamps are wall-clock ms: the window ends at the end of that millisecond.
    const until = untilAt + 1;
    for (const request of sandbox.requests) {
      if (request.at < tickStart || request.at > until || request.route.includes('/callback')) continue;
      if (request.status === 429) refused += 1;
      else {
        accepted += 1;
        byRoute[request.route] = (byRoute[request.route] ?? 0) + 1;
      }
    }
    return { accepted, refused, byRoute };
  };
  const limit = sandbox.globalRateLimit();
  const perSecond = Array.from({ length: Math.ceil((lastRound - tickStart) / 1000) }, () => 0);
  for (const request of sandbox.requests) {
    const second = Math.floor((request.at - tickStart) / 1000);
    if (second >= 0 && second < perSecond.length && request.status !== 429 && !request.route.includes('/callback')) perSecond[second]! += 1;
  }
  return {
    sandboxCpu,
    perSecond,
    jumpedAt,
    openMs: lastOpen - tickStart,
    openedMsByShards,
    fullMs: lastRound - tickStart,
    openWindow: window(lastOpen),
    fullWindow: window(lastRound),
    refusedTotal: limit.refused,
    peakPerSecond: limit.peak,
    openings,
  };
}

// ------------------------------------------------------------------ helpers

const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

if (process.argv.includes(CHILD_FLAG)) {
  const task = JSON.parse(process.argv[process.argv.indexOf(CHILD_FLAG) + 1]!) as BotTask;
  try {
    await runBotProcess(task);
  } catch (error) {
    process.send!({ kind: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  }
}
