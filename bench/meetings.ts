import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ButtonStyle, Client, ComponentType, Events, GatewayIntentBits, MessageFlags, TextInputStyle, type Interaction, type TextChannel } from 'discord.js';
import { startHelperCircle } from '../src/app.ts';
import { createLogger } from '../src/logging/logger.ts';
import { buttonCustomId } from '../src/sandbox/components.ts';
import type { InteractionHandle } from '../src/sandbox/interactions.ts';
import { startSandbox, type Sandbox } from '../src/sandbox/sandbox.ts';
import type { SandboxMessage } from '../src/sandbox/types.ts';
import { ms, percentile, printTable } from './stats.ts';
import { withTimeout } from './deadline.ts';

const GUILDS = 200;
const MEMBERS_PER_GUILD = 20;
const TARGET_P95_MS = 50;
const TARGET_RSS_MB = 300;
/** The write path under load: the bot's submit -> reply p95 within this many times the bare client's, in the same run, with no deferral. */
const TARGET_SUBMIT_RATIO = 3;
/** Requests/s discord.js allows itself; its default (Discord's 50/s) would measure Discord's limit, not the bot. */
const CLIENT_REQUESTS_PER_SECOND = 10_000;
/** Before each measured burst, the warm-up guild's members press and submit this many times (JIT, lazy compiles). */
const WARMUP_ROUNDS = 5;
/** Set-up steps (not measured) run this many guilds at a time, well inside the 3 s interaction deadline. */
const SETUP_CONCURRENCY = 20;
const RSS_SAMPLE_MS = 50;
/** The sandbox refuses callbacks after 3 s, so an answer that has not come by then never will. */
const ANSWER_WAIT_MS = 10_000;
const ANSWER_POLL_MS = 10;
/** The sandbox injects a burst's interactions this many at a time between turns of its event loop. */
const INJECT_CHUNK = 10;
const STEP_TIMEOUT_MS = 60_000;
/** The whole benchmark, world building to clean-up. */
const RUN_TIMEOUT_MS = 5 * 60_000;
const CLIENT_FLAG = '--meetings-client';
const MB = 1024 * 1024;

/**
 * 200 meetings at once, in 200 sandbox guilds of 20 members: every member presses "Check in" on
 * round 1 at the same moment (answered with a form), then all submit their forms at the same moment
 * (a member whose press brought no form presses again first, not timed, so every member submits).
 * Latency is from the injected interaction to the client's first callback. The submit burst is the
 * write path under load: each check-in is answered only once its write is committed, so its p95
 * against the bare client's, and its deferrals, are the group commit's target. Baseline: the same clicks
 * and submits on the same sandbox, answered at once by a bare discord.js client (a modal, then an
 * ephemeral reply). The client under test runs in its own Node process, so its RSS is its own (not
 * the sandbox's world, nor earlier benchmarks' garbage), and the sandbox, like Discord, does its work
 * outside the bot's event loop. MEETINGS_BENCH_CPU_PROF=<dir> writes each client's --cpu-prof there.
 */
export async function meetingsAtScale(): Promise<{ withinTarget: boolean }> {
  const folder = mkdtempSync(join(tmpdir(), 'hc-bench-meetings-'));
  const sandbox = await startSandbox();
  const sandboxRss = rssSampler();
  const children = new Set<ClientProcess>();
  try {
    const report = await withTimeout(measure(sandbox, folder, children), RUN_TIMEOUT_MS, 'the whole meetings benchmark');
    return { withinTarget: printReport({ ...report, sandboxPeakRss: sandboxRss.peak() }) };
  } finally {
    sandboxRss.stop();
    for (const child of children) child.kill();
    await sandbox.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

interface Burst {
  /** Interaction -> first callback, ms, of the answered ones. */
  readonly latencies: number[];
  /**
   * Never answered (a callback past the 3 s deadline is refused), counted as infinitely slow; for
   * submits, also the members who got no form even by pressing again, and so had none to submit.
   */
  readonly unanswered: number;
  /** How long the sandbox took to inject the whole burst (first to last interaction created). */
  readonly injectMs: number;
  /** First callbacks that only deferred the answer (the bot defers what it has not answered within 2 s). */
  readonly deferred: number;
  /** The client process's CPU time (user + system) from the burst's start until every answer was in. */
  readonly cpuMs: number;
  /** Interaction created -> the client's discord.js emits it, ms: the part of the latency spent reaching the client's code. */
  readonly arrivals: number[];
}

interface Phase {
  readonly clicks: Burst;
  readonly submits: Burst;
  /** Members who pressed again (not timed) because their press in the click burst got them no form. */
  readonly pressedAgain: number;
  /** Submits whose final answer (after any deferral) thanked the member for checking in. */
  readonly thanked: number;
  /** The client process's peak RSS during the bursts. */
  readonly peakRss: number;
  /** The client process's RSS just before the bursts. */
  readonly idleRss: number;
  readonly logLines: number;
  readonly firstLogLines: readonly string[];
}

interface Report {
  readonly baseline: Phase;
  readonly bot: Phase;
  readonly meetingsWithAll: number;
  readonly attendeeCounts: Record<string, number>;
  readonly setupMs: number;
  readonly sandboxPeakRss: number;
}

function printReport(report: Report): boolean {
  const { baseline, bot } = report;
  const row = (label: string, burst: Burst) => [
    label,
    `${burst.latencies.length}/${burst.latencies.length + burst.unanswered}`,
    String(burst.deferred),
    time(p(burst, 50)),
    time(p(burst, 95)),
    time(p(burst, 100)),
    ms(percentile(burst.arrivals, 50)),
    ms(percentile(burst.arrivals, 95)),
    ms(burst.injectMs),
    ms(burst.cpuMs / (burst.latencies.length + burst.unanswered)),
  ];
  printTable(
    `meetings: ${GUILDS} meetings at once, ${MEMBERS_PER_GUILD} members each: all ${GUILDS * MEMBERS_PER_GUILD} press Check in at once, then all submit the form at once; interaction -> first callback`,
    [
      'client, step',
      'answered',
      'of which deferred',
      'p50',
      'p95',
      'max',
      'arrival p50',
      'arrival p95',
      'sandbox injecting the burst',
      'client cpu per interaction',
    ],
    [
      row('bare discord.js, click -> modal (baseline)', baseline.clicks),
      row('Helper Circle, Check in -> modal', bot.clicks),
      row('bare discord.js, submit -> reply (baseline)', baseline.submits),
      row('Helper Circle, check-in form -> reply', bot.submits),
    ],
  );
  printTable(
    `meetings: memory of the client's own process (rss sampled every ${RSS_SAMPLE_MS} ms)`,
    ['client', 'rss before the bursts', 'peak rss during the bursts'],
    [
      ['bare discord.js (baseline)', mb(baseline.idleRss), mb(baseline.peakRss)],
      [`Helper Circle, ${GUILDS} meetings running (target)`, mb(bot.idleRss), mb(bot.peakRss)],
    ],
  );
  const [botSubmitP95, bareSubmitP95] = [p(bot.submits, 95), p(baseline.submits, 95)];
  const submitRatio = Number.isFinite(botSubmitP95) && Number.isFinite(bareSubmitP95) ? botSubmitP95 / bareSubmitP95 : Number.NaN;
  const submitsWithinTarget = submitRatio <= TARGET_SUBMIT_RATIO && bot.submits.deferred === 0 && bot.submits.unanswered === 0;
  printTable(
    `meetings: the write path under load, all ${GUILDS * MEMBERS_PER_GUILD} submit the check-in form at once (each answer waits for its write to be committed); submit -> first callback`,
    ['', 'bare discord.js p95', 'Helper Circle p95', 'ratio', 'Helper Circle answers deferred'],
    [
      [
        'measured',
        time(bareSubmitP95),
        time(botSubmitP95),
        ratio(submitRatio),
        `${bot.submits.deferred} of ${bot.submits.latencies.length + bot.submits.unanswered}`,
      ],
      ['target', '', '', `within ${TARGET_SUBMIT_RATIO}x`, '0'],
    ],
  );
  const counts = Object.entries(report.attendeeCounts)
    .map(([attendees, meetings]) => `${meetings} with ${attendees}`)
    .join(', ');
  const correct = report.meetingsWithAll === GUILDS && bot.thanked === GUILDS * MEMBERS_PER_GUILD;
  process.stdout.write(
    `correctness (not timed): ${bot.thanked}/${GUILDS * MEMBERS_PER_GUILD} check-ins finally answered with thanks (baseline ${baseline.thanked}); ` +
      `${report.meetingsWithAll}/${GUILDS} meetings record all ${MEMBERS_PER_GUILD} members as attendees (${counts}); ` +
      `members who pressed Check in again (not timed) to get the form their first press did not bring: bare ${baseline.pressedAgain}, Helper Circle ${bot.pressedAgain}; ` +
      `set-up of ${GUILDS} circles and meetings took ${(report.setupMs / 1000).toFixed(1)} s; the sandbox's own process peaked at ${mb(report.sandboxPeakRss)}; ` +
      `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs (sandbox and client share them), Node ${process.version}\n`,
  );
  for (const [name, phase] of [
    ['bare client', baseline],
    ['Helper Circle', bot],
  ] as const) {
    if (phase.logLines > 0) process.stdout.write(`${name} logged ${phase.logLines} warnings/errors, first: ${phase.firstLogLines.join(' | ')}\n`);
  }
  const p95 = Math.max(p(bot.clicks, 95), p(bot.submits, 95));
  const withinTarget = p95 < TARGET_P95_MS && bot.peakRss < TARGET_RSS_MB * MB && correct && submitsWithinTarget;
  process.stdout.write(
    `Helper Circle p95 ${time(p95)} (target < ${TARGET_P95_MS} ms; baseline p95 ${time(Math.max(p(baseline.clicks, 95), p(baseline.submits, 95)))}), ` +
      `submit -> reply p95 ${ratio(submitRatio)} the bare client's with ${bot.submits.deferred} deferred (target within ${TARGET_SUBMIT_RATIO}x, none deferred), ` +
      `peak rss ${mb(bot.peakRss)} (target < ${TARGET_RSS_MB} MB), attendance ${correct ? 'complete' : 'INCOMPLETE'}: ${withinTarget ? 'met' : 'NOT met'}\n`,
  );
  return withinTarget;
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const time = (value: number) => (Number.isFinite(value) ? ms(value) : 'unanswered');
/** Bot against baseline; with unanswered interactions on either side the ratio means nothing. */
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)}x` : 'n/a (unanswered)');
/** Percentile over all interactions, the unanswered ones counted as infinitely slow. */
const p = (burst: Burst, rank: number) => percentile([...burst.latencies, ...Array<number>(burst.unanswered).fill(Number.POSITIVE_INFINITY)], rank);

// ------------------------------------------------------------------ the sandbox side: members acting

interface BenchGuild {
  readonly guildId: string;
  readonly channelId: string;
  readonly ownerId: string;
  readonly moderatorRoleId: string;
  readonly moderatorId: string;
  readonly memberIds: readonly string[];
}

/** Per guild, the message its members press a button on. */
type Targets = ReadonlyMap<string, SandboxMessage>;

async function measure(sandbox: Sandbox, folder: string, children: Set<ClientProcess>): Promise<Omit<Report, 'sandboxPeakRss'>> {
  const guilds = Array.from({ length: GUILDS }, (_, index) => addGuild(sandbox, index + 1));
  const warmup = addGuild(sandbox, 0);
  const everyGuild = [warmup, ...guilds];

  const bare = await startClient('bare', sandbox, folder, children);
  let baseline: Phase;
  try {
    const ids = (await bare.call(
      'post',
      everyGuild.map((guild) => guild.channelId),
    )) as string[];
    const posts = new Map(
      await Promise.all(
        everyGuild.map(
          async (guild, index) => [guild.guildId, await sandbox.waitForMessage(guild.channelId, (m) => m.id === ids[index], STEP_TIMEOUT_MS)] as const,
        ),
      ),
    );
    baseline = await bursts(sandbox, bare, guilds, warmup, posts, 'Check in');
  } finally {
    await bare.stop();
  }

  const bot = await startClient('bot', sandbox, folder, children);
  try {
    const setupStarted = performance.now();
    const rounds = await startMeetings(sandbox, everyGuild);
    const setupMs = performance.now() - setupStarted;
    const phase = await bursts(sandbox, bot, guilds, warmup, rounds, 'Check in');
    const attendees = (await bot.call(
      'attendees',
      guilds.map((guild) => guild.guildId),
    )) as string[][];
    const attendeeCounts: Record<string, number> = {};
    let meetingsWithAll = 0;
    guilds.forEach((guild, index) => {
      const recorded = attendees[index]!;
      if (recorded.length === MEMBERS_PER_GUILD && guild.memberIds.every((id) => recorded.includes(id))) meetingsWithAll += 1;
      attendeeCounts[recorded.length] = (attendeeCounts[recorded.length] ?? 0) + 1;
    });
    return { baseline, bot: phase, meetingsWithAll, attendeeCounts, setupMs };
  } finally {
    await bot.stop();
  }
}

function addGuild(sandbox: Sandbox, number: number): BenchGuild {
  const guild = sandbox.createGuild({ name: number === 0 ? 'Warm-up circle' : `Circle ${number}`, ownerUsername: `owner${number}` });
  const channel = sandbox.createChannel(guild.id, { name: 'circle' });
  const moderatorRole = sandbox.createRole(guild.id, { name: 'Circle moderator' });
  const moderator = sandbox.addMember(guild.id, { username: `moderator${number}`, roles: [moderatorRole.id] });
  const memberIds = Array.from({ length: MEMBERS_PER_GUILD }, (_, m) => sandbox.addMember(guild.id, { username: `member${number}-${m + 1}` }).user.id);
  return { guildId: guild.id, channelId: channel.id, ownerId: guild.owner_id, moderatorRoleId: moderatorRole.id, moderatorId: moderator.user.id, memberIds };
}

/** Warm-up in the warm-up guild, then the two measured bursts in all the others, with the client's memory and CPU around them. */
async function bursts(
  sandbox: Sandbox,
  client: ClientProcess,
  guilds: readonly BenchGuild[],
  warmup: BenchGuild,
  targets: Targets,
  label: string,
): Promise<Phase> {
  for (let round = 0; round < WARMUP_ROUNDS; round += 1) {
    const warmClicks = await clickAll(sandbox, [warmup], targets, label);
    await submitAll(sandbox, [warmup], targets, warmClicks.handles);
  }
  const idle = (await client.call('memory-mark')) as { rss: number };
  const atStart = (await client.call('cpu')) as Usage;
  const clicks = await clickAll(sandbox, guilds, targets, label);
  const afterClicks = (await client.call('cpu')) as Usage;
  const forms = await formsForEveryone(sandbox, guilds, targets, label, clicks.handles);
  // The presses again are neither burst's: their CPU and arrivals are left out of both.
  const beforeSubmits = (await client.call('cpu')) as Usage;
  const submits = await submitAll(sandbox, guilds, targets, forms.handles);
  const thanked = await finalAnswers(submits.handles, 'Thanks for checking in');
  const afterSubmits = (await client.call('cpu')) as Usage;
  const after = (await client.call('memory-peak')) as { peak: number; logLines: number; firstLogLines: string[] };
  return {
    clicks: { ...clicks.burst, cpuMs: afterClicks.cpuMs - atStart.cpuMs, arrivals: afterClicks.arrivals },
    submits: { ...submits.burst, cpuMs: afterSubmits.cpuMs - beforeSubmits.cpuMs, arrivals: afterSubmits.arrivals },
    pressedAgain: forms.pressedAgain,
    thanked,
    idleRss: idle.rss,
    peakRss: after.peak,
    logLines: after.logLines,
    firstLogLines: after.firstLogLines,
  };
}

/**
 * Every member of `guilds` presses the button at once. "At once" is as fast as the sandbox can inject
 * the clicks, yielding to its event loop every INJECT_CHUNK of them so that it goes on answering the
 * client's callbacks meanwhile, as Discord would (one synchronous loop would hold every callback
 * until the last member had clicked).
 */
function clickAll(sandbox: Sandbox, guilds: readonly BenchGuild[], targets: Targets, label: string) {
  return inject(guilds, (guild, index) => {
    const message = targets.get(guild.guildId)!;
    return sandbox.clickButton({ userId: guild.memberIds[index]!, message, customId: buttonCustomId(message, label) });
  });
}

const formOf = (handle: InteractionHandle | undefined) => (handle?.callbacks[0]?.data as { custom_id?: string } | undefined)?.custom_id;

/**
 * Members whose press was not answered with a form (answered too late, or deferred) press again, as a
 * member would, SETUP_CONCURRENCY at a time and not timed, so that the submit burst is always every
 * member submitting at once, whatever became of the clicks (their own row reports that).
 */
async function formsForEveryone(
  sandbox: Sandbox,
  guilds: readonly BenchGuild[],
  targets: Targets,
  label: string,
  clicks: ReadonlyArray<InteractionHandle | undefined>,
): Promise<{ handles: ReadonlyArray<InteractionHandle | undefined>; pressedAgain: number }> {
  const handles = [...clicks];
  // Positions in the order `inject` made them: member index by member index, every guild in each.
  const missing = Array.from({ length: MEMBERS_PER_GUILD }, (_, index) => guilds.map((guild, g) => ({ guild, index, position: index * guilds.length + g })))
    .flat()
    .filter(({ position }) => formOf(handles[position]) === undefined);
  await pool(missing, async ({ guild, index, position }) => {
    for (let attempt = 0; attempt < 3 && formOf(handles[position]) === undefined; attempt += 1) {
      const message = targets.get(guild.guildId)!;
      const handle = await sandbox.clickButton({ userId: guild.memberIds[index]!, message, customId: buttonCustomId(message, label) });
      await handle.firstResponse(STEP_TIMEOUT_MS).catch(() => undefined);
      handles[position] = handle;
    }
  });
  return { handles, pressedAgain: missing.length };
}

/** Then every member with a form submits it, empty, at once. */
function submitAll(sandbox: Sandbox, guilds: readonly BenchGuild[], targets: Targets, clicks: ReadonlyArray<InteractionHandle | undefined>) {
  return inject(guilds, (guild, index, position) => {
    const form = formOf(clicks[position]);
    if (form === undefined) return undefined;
    return sandbox.submitModal({
      userId: guild.memberIds[index]!,
      guildId: guild.guildId,
      channelId: targets.get(guild.guildId)!.channel_id,
      customId: form,
      fields: { text: '' },
    });
  });
}

/**
 * After a burst, not timed: how many interactions were finally answered (after any deferral) with
 * `expected`. One handle at a time, so the sandbox has one listener to notify, not thousands.
 */
async function finalAnswers(handles: ReadonlyArray<InteractionHandle | undefined>, expected: string): Promise<number> {
  const giveUpAt = performance.now() + STEP_TIMEOUT_MS;
  let count = 0;
  for (const handle of handles) {
    const answer = await handle?.reply(Math.max(1, giveUpAt - performance.now())).catch(() => undefined);
    if (answer?.content.includes(expected)) count += 1;
  }
  return count;
}

/** /circle setup and /meeting start format:short in every guild; resolves with each guild's round 1 message. */
async function startMeetings(sandbox: Sandbox, guilds: readonly BenchGuild[]): Promise<Map<string, SandboxMessage>> {
  const rounds = new Map<string, SandboxMessage>();
  await pool(guilds, async (guild) => {
    const setup = await sandbox.slashCommand({
      guildId: guild.guildId,
      channelId: guild.channelId,
      userId: guild.ownerId,
      name: 'circle',
      subcommand: 'setup',
      options: { channel: guild.channelId, timezone: 'Europe/London', 'moderator-role': guild.moderatorRoleId },
    });
    await setup.reply(STEP_TIMEOUT_MS);
    const start = await sandbox.slashCommand({
      guildId: guild.guildId,
      channelId: guild.channelId,
      userId: guild.moderatorId,
      name: 'meeting',
      subcommand: 'start',
      options: { format: 'short' },
    });
    const started = await start.reply(STEP_TIMEOUT_MS);
    // The meeting's thread starts from its opening post in the circle channel; it is the only thread there.
    const [thread, ...others] = sandbox.threads(guild.channelId);
    if (!thread || others.length > 0) throw new Error(`Expected one meeting thread in guild ${guild.guildId} (${started.content})`);
    rounds.set(guild.guildId, await sandbox.waitForMessage(thread.id, (message) => message.content.includes('**Round 1 of'), STEP_TIMEOUT_MS));
  });
  return rounds;
}

/**
 * Injects member `index` of every guild, then member `index + 1` of every guild...: every guild's
 * meeting gets its first clicks at the start of the burst; `position` is the interaction's place in
 * the result. Resolves once every interaction has its first callback or can no longer get one.
 */
async function inject(
  guilds: readonly BenchGuild[],
  act: (guild: BenchGuild, index: number, position: number) => Promise<InteractionHandle> | undefined,
): Promise<{ handles: ReadonlyArray<InteractionHandle | undefined>; burst: Omit<Burst, 'cpuMs' | 'arrivals'> }> {
  const handles: Array<Promise<InteractionHandle> | undefined> = [];
  for (let index = 0; index < MEMBERS_PER_GUILD; index += 1) {
    for (const guild of guilds) {
      handles.push(act(guild, index, handles.length));
      if (handles.length % INJECT_CHUNK === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return answers(await Promise.all(handles));
}

/**
 * Waits for every handle's first callback and measures `callback.at - handle.createdAt`. Polls the
 * handles' live `callbacks` rather than awaiting `firstResponse()`: each pending `firstResponse()`
 * also listens to every message change in the sandbox, and the sandbox clones each new message once
 * per listener, so 4,000 waiters would make the sandbox's own work grow with the square of the burst.
 */
async function answers(
  handles: ReadonlyArray<InteractionHandle | undefined>,
): Promise<{ handles: ReadonlyArray<InteractionHandle | undefined>; burst: Omit<Burst, 'cpuMs' | 'arrivals'> }> {
  const present = handles.filter((handle): handle is InteractionHandle => handle !== undefined);
  const created = present.map((handle) => handle.createdAt);
  const giveUpAt = performance.now() + ANSWER_WAIT_MS;
  let waiting = present;
  while (waiting.length > 0 && performance.now() < giveUpAt) {
    await new Promise((resolve) => setTimeout(resolve, ANSWER_POLL_MS));
    waiting = waiting.filter((handle) => handle.callbacks.length === 0);
  }
  const latencies = present.flatMap((handle) => (handle.callbacks[0] ? [handle.callbacks[0].at - handle.createdAt] : []));
  return {
    handles,
    burst: {
      latencies,
      unanswered: handles.length - latencies.length,
      injectMs: created.length === 0 ? 0 : Math.max(...created) - Math.min(...created),
      deferred: present.filter((handle) => handle.callbacks[0]?.type === 5 || handle.callbacks[0]?.type === 6).length,
    },
  };
}

/** Runs `task` for every item, at most SETUP_CONCURRENCY at a time. */
async function pool<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await withTimeout(Promise.all(Array.from({ length: SETUP_CONCURRENCY }, worker)), 2 * STEP_TIMEOUT_MS, 'set-up');
}

function rssSampler() {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  sample();
  const timer = setInterval(sample, RSS_SAMPLE_MS);
  return {
    /** Starts a new peak from now; returns the current rss. */
    mark() {
      peak = 0;
      sample();
      return peak;
    },
    peak() {
      sample();
      return peak;
    },
    stop: () => clearInterval(timer),
  };
}

// ------------------------------------------------------------------ the client under test, in its own process

type ClientKind = 'bare' | 'bot';
type Operation = 'post' | 'attendees' | 'memory-mark' | 'memory-peak' | 'cpu' | 'stop';
/** The client's CPU time so far, and the arrival lags of the interactions it received since the last ask. */
interface Usage {
  readonly cpuMs: number;
  readonly arrivals: number[];
}

interface ClientProcess {
  call(operation: Operation, argument?: unknown): Promise<unknown>;
  /** Graceful: the client stops (the bot: Helper Circle's own stop) and the process exits. */
  stop(): Promise<void>;
  kill(): void;
}

/** Forks this file as a client process (bare discord.js or Helper Circle) connected to the sandbox; resolves once it is ready. */
async function startClient(kind: ClientKind, sandbox: Sandbox, folder: string, children: Set<ClientProcess>): Promise<ClientProcess> {
  const profile = process.env.MEETINGS_BENCH_CPU_PROF;
  const child: ChildProcess = fork(
    fileURLToPath(import.meta.url),
    [CLIENT_FLAG, JSON.stringify({ kind, apiUrl: sandbox.apiUrl, token: sandbox.token, folder })],
    {
      execArgv: ['--import', import.meta.resolve('tsx'), ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${join(profile, kind)}`] : [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  child.on('exit', (code, signal) => gone(new Error(`the ${kind} client process exited (${signal ?? code})`)));
  child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(`${kind} client: ${message.error}`));
    else waiter?.resolve(message.result);
  });
  const call = (operation: Operation | 'ready', argument?: unknown, timeoutMs = STEP_TIMEOUT_MS) => {
    const id = nextId++;
    const answer = new Promise<unknown>((resolve, reject) => pending.set(id, { resolve, reject }));
    // Request 0 is the child's own "ready", sent without being asked.
    if (operation !== 'ready') child.send({ id, operation, argument });
    return withTimeout(answer, timeoutMs, `the ${kind} client to answer "${operation}"`);
  };
  const handle: ClientProcess = {
    call,
    async stop() {
      try {
        await call('stop');
        await withTimeout(exited, STEP_TIMEOUT_MS, `the ${kind} client process to exit`);
      } finally {
        handle.kill();
      }
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      children.delete(handle);
    },
  };
  children.add(handle);
  try {
    await call('ready');
  } catch (error) {
    handle.kill();
    throw error;
  }
  return handle;
}

async function runClient(options: { kind: ClientKind; apiUrl: string; token: string; folder: string }): Promise<void> {
  const rss = rssSampler();
  const firstLogLines: string[] = [];
  let logLines = 0;
  const log = (line: string) => {
    logLines += 1;
    if (firstLogLines.length < 3) firstLogLines.push(line.trim().slice(0, 300));
  };
  // Before the client's own listener, so the lag does not include its synchronous start on the work.
  const arrivals: number[] = [];
  const arrived = (interaction: Interaction) => arrivals.push(Date.now() - interaction.createdTimestamp);
  const client = options.kind === 'bot' ? await startBot(options, log, arrived) : await startBare(options, arrived);
  const answer = (id: number, work: () => Promise<unknown>) =>
    work().then(
      (result) => new Promise<void>((resolve) => process.send!({ id, result }, () => resolve())),
      (error: unknown) => new Promise<void>((resolve) => process.send!({ id, error: String((error as Error)?.stack ?? error) }, () => resolve())),
    );
  process.on('message', ({ id, operation, argument }: { id: number; operation: Operation; argument: unknown }) => {
    void answer(id, async () => {
      switch (operation) {
        case 'memory-mark':
          return { rss: rss.mark() };
        case 'memory-peak':
          return { peak: rss.peak(), logLines, firstLogLines };
        case 'cpu': {
          const { user, system } = process.cpuUsage();
          const usage: Usage = { cpuMs: (user + system) / 1000, arrivals: arrivals.splice(0) };
          return usage;
        }
        case 'post':
          return client.post(argument as string[]);
        case 'attendees':
          return client.attendees(argument as string[]);
        case 'stop':
          await client.stop();
          rss.stop();
          return null;
      }
    }).then(() => {
      // Exit once the answer is out (process.exit also writes a --cpu-prof profile).
      if (operation === 'stop') process.send!({ id: -1 }, () => process.exit(0));
    });
  });
  process.send!({ id: 0, result: null });
}

interface ClientUnderTest {
  post(channelIds: string[]): Promise<string[]>;
  attendees(guildIds: string[]): Promise<string[][]>;
  stop(): Promise<void>;
}

/** Helper Circle itself: a temp SQLite store, warnings and errors counted rather than printed. */
async function startBot(
  options: { apiUrl: string; token: string; folder: string },
  log: (line: string) => void,
  arrived: (interaction: Interaction) => void,
): Promise<ClientUnderTest> {
  const bot = await startHelperCircle({
    config: {
      discordToken: options.token,
      discordApiUrl: options.apiUrl,
      storeUrl: `sqlite://${join(options.folder, 'meetings.sqlite')}`,
      logLevel: 'warn',
      devGuildId: undefined,
    },
    logger: createLogger({ level: 'warn', sink: { write: log } }),
    globalRequestsPerSecond: CLIENT_REQUESTS_PER_SECOND,
  });
  bot.client.prependListener(Events.InteractionCreate, arrived);
  return {
    post: () => Promise.reject(new Error('the bot posts its own messages')),
    attendees: (guildIds) => Promise.all(guildIds.map(async (guildId) => [...((await bot.services.meetings.current(guildId))?.attendees ?? [])])),
    stop: () => bot.stop(),
  };
}

/** The baseline: discord.js alone, answering a button with a modal and a submitted modal with an ephemeral reply, at once. */
async function startBare(options: { apiUrl: string; token: string }, arrived: (interaction: Interaction) => void): Promise<ClientUnderTest> {
  const bare = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: options.apiUrl, globalRequestsPerSecond: CLIENT_REQUESTS_PER_SECOND } });
  bare.on(Events.InteractionCreate, arrived);
  // A refused callback (past the 3 s deadline) shows up as an unanswered interaction in the table.
  const ignore = () => {};
  bare.on(Events.InteractionCreate, (interaction) => {
    if (interaction.isButton()) {
      interaction
        .showModal({
          custom_id: 'bare-check-in-form',
          title: 'Check in',
          components: [
            {
              type: ComponentType.ActionRow,
              components: [
                {
                  type: ComponentType.TextInput,
                  custom_id: 'text',
                  style: TextInputStyle.Paragraph,
                  label: 'How are you arriving?',
                  required: false,
                  max_length: 500,
                },
              ],
            },
          ],
        })
        .catch(ignore);
    } else if (interaction.isModalSubmit()) {
      interaction.reply({ content: 'Thanks for checking in.', flags: MessageFlags.Ephemeral }).catch(ignore);
    }
  });
  const ready = once(bare, Events.ClientReady);
  await bare.login(options.token);
  await withTimeout(ready, STEP_TIMEOUT_MS, 'the bare client to be ready');
  return {
    post: (channelIds) =>
      Promise.all(
        channelIds.map(async (channelId) => {
          const sent = await (bare.channels.cache.get(channelId) as TextChannel).send({
            content: '**Round 1 of 1**',
            components: [
              {
                type: ComponentType.ActionRow,
                components: [{ type: ComponentType.Button, custom_id: 'bare-check-in', label: 'Check in', style: ButtonStyle.Primary }],
              },
            ],
          });
          return sent.id;
        }),
      ),
    attendees: () => Promise.reject(new Error('the bare client keeps no meetings')),
    stop: () => bare.destroy(),
  };
}

if (process.argv.includes(CLIENT_FLAG)) {
  await runClient(JSON.parse(process.argv[process.argv.indexOf(CLIENT_FLAG) + 1]!));
}
