import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TextChannel } from 'discord.js';
import { DateTime } from 'luxon';
import { startHelperCircle, type RunningBot } from '../src/app.ts';
import { loadHelpRules } from '../src/config/help-rules.ts';
import { DEFAULT_MEETING_FORMAT, loadMeetingFormats } from '../src/config/meeting-formats.ts';
import { applyCircleSettingsChange } from '../src/domain/circle/circle-settings.ts';
import { clearResolvedTimes, nextOccurrenceDetail, previousOccurrenceDetail, reminderAt } from '../src/domain/schedules/occurrences.ts';
import { checkScheduleInput, type ScheduleInput, type WeeklySchedule } from '../src/domain/schedules/schedule.ts';
import { createLogger } from '../src/logging/logger.ts';
import { startSandbox, type Sandbox } from '../src/sandbox/sandbox.ts';
import { CircleService } from '../src/services/circle-service.ts';
import { HelpService } from '../src/services/help-service.ts';
import { MeetingService } from '../src/services/meeting-service.ts';
import { ScheduleService, type ScheduleAction } from '../src/services/schedule-service.ts';
import { circleSettingsRecord, circleSettingsRepository } from '../src/store/circle-settings-repository.ts';
import { guildKey } from '../src/store/guild-document.ts';
import { guildIndexKey, helpGuildIndex } from '../src/store/guild-index.ts';
import { GuildWriteQueue } from '../src/store/guild-write-queue.ts';
import { HelpRequestStore } from '../src/store/help-request-store.ts';
import { LedgerStore } from '../src/store/ledger-store.ts';
import { MeetingStore } from '../src/store/meeting-store.ts';
import { MemberPrefsStore } from '../src/store/member-prefs-store.ts';
import { ScheduleStore, type ScheduleEntry } from '../src/store/schedule-store.ts';
import { openStore, type Store } from '../src/store/sqlite-store.ts';
import { ms, percentile, printTable } from './stats.ts';
import { seededRandom } from './random.ts';
import { withTimeout } from './deadline.ts';
import { floorMs, floorRow, type RequestWindow } from './floor.ts';

// ------------------------------------------------------------------ sizes and targets

const GUILDS = 10_000;
const SCHEDULES_PER_GUILD = 3;
/** Start-up reconciliation is measured in this many fresh processes (and the read-only baseline as often). */
const RECONCILE_RUNS = 3;
/** Warm passes (the minute tick's steady state) after the cold one, in each process. */
const WARM_PASSES = 10;
const FIRING_GUILDS = 500;
/** Discord's global limit, enforced by the sandbox; the bot keeps discord.js's default (the same 50). */
const GLOBAL_REQUESTS_PER_SECOND = 50;
const TARGET_RECONCILE_MS = 2_000;
const TARGET_RSS_MB = 300;
const TARGET_FLOOR_RATIO = 1.5;
/** The bot's schedule tick in the firing run: short, so the tick that fires follows the clock jump closely. */
const TICK_MS = 100;
const RSS_SAMPLE_MS = 10;
/** Only to notice the end: times come from the sandbox's stored messages. */
const POLL_MS = 100;
const STEP_TIMEOUT_MS = 60_000;
const FIRING_TIMEOUT_MS = 120_000;
/** The whole benchmark, world building to clean-up. */
const RUN_TIMEOUT_MS = 4 * 60_000;
const CHILD_FLAG = '--schedules-reconcile';
const MB = 1024 * 1024;
/** The reconciliation's "now": a Thursday, mid-day in Europe, evening in Asia, morning in the Americas. */
const RECONCILE_NOW = new Date('2026-11-26T12:00:00Z');
/** The seeded store is the steady state of a bot that ran until this long before start-up. */
const DOWNTIME_MS = 5 * 60_000;

/** Zones circles use: whole, half and quarter-hour offsets, both hemispheres' daylight saving, none. */
const ZONES = [
  'Europe/London',
  'Europe/Berlin',
  'Europe/Paris',
  'Europe/Madrid',
  'Europe/Helsinki',
  'Europe/Moscow',
  'Europe/Istanbul',
  'Europe/Lisbon',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'America/Sao_Paulo',
  'America/Mexico_City',
  'America/Bogota',
  'America/Santiago',
  'America/St_Johns',
  'America/Halifax',
  'Pacific/Honolulu',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'Australia/Sydney',
  'Australia/Adelaide',
  'Australia/Perth',
  'Australia/Lord_Howe',
  'Asia/Tokyo',
  'Asia/Seoul',
  'Asia/Shanghai',
  'Asia/Singapore',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tehran',
  'Asia/Dubai',
  'Asia/Jakarta',
  'Africa/Lagos',
  'Africa/Johannesburg',
  'Africa/Cairo',
  'Africa/Nairobi',
  'UTC',
] as const;
const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * Schedules at scale, in two parts.
 *
 * 1. Start-up reconciliation: 10,000 guilds with circle settings (41 IANA zones) and 3 weekly
 *    schedules each, in a real SQLite file, left as a bot would leave them 5 minutes before a restart
 *    (every earlier occurrence and reminder handled, Discord events recorded). A fresh process opens
 *    the store and runs `ScheduleService.dueActions()`: cold (reads every guild's schedules, decides
 *    each) then warm (the minute tick's steady state), then a second fresh ScheduleService on the
 *    loaded records (deciding alone). Baseline, from the same file in another fresh process: reading
 *    every guild's schedule records through the ScheduleStore, deciding nothing; and, for comparison,
 *    the same records read in bulk. Each in its own process, so RSS is the reconciliation's own and
 *    nothing is JIT-warm or cached. Targets: cold under 2 s, peak RSS under 300 MB.
 * 2. One tick that fires 500 meetings in the same minute, end to end: the sandbox enforces Discord's
 *    global 50 requests/s, the real bot runs with its default client limit (the same 50/s) and a
 *    movable clock. The clock jumps to the occurrence; measured from the start of the tick that fires
 *    to the last guild's opening message ("has started") stored by the sandbox, against the physical
 *    floor: the requests the bot made in that window / 50 per second. Target: within 1.5x of the
 *    floor, and every guild exactly one opening (with its thread and round 1).
 */
export async function schedulesAtScale(): Promise<{ withinTarget: boolean }> {
  const folder = mkdtempSync(join(tmpdir(), 'hc-bench-schedules-'));
  const cleanup: Array<() => Promise<void> | void> = [];
  try {
    const report = await withTimeout(measure(folder, cleanup), RUN_TIMEOUT_MS, 'the whole schedules benchmark');
    return { withinTarget: printReport(report) };
  } finally {
    for (const step of cleanup.reverse()) await withTimeout(Promise.resolve(step()), STEP_TIMEOUT_MS, 'clean-up').catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
  }
}

interface Report {
  readonly seedMs: number;
  readonly reconcile: ReconcileResult[];
  readonly baseline: BaselineResult[];
  readonly bulk: BaselineResult[];
  readonly firing: FiringResult;
}

async function measure(folder: string, cleanup: Array<() => Promise<void> | void>): Promise<Report> {
  const url = `sqlite://${join(folder, 'reconcile.sqlite')}`;
  const seedStarted = performance.now();
  await seedReconciliationStore(url);
  const seedMs = performance.now() - seedStarted;
  const reconcile: ReconcileResult[] = [];
  const baseline: BaselineResult[] = [];
  const bulk: BaselineResult[] = [];
  // Interleaved, so all three see the same page cache and machine state.
  for (let run = 0; run < RECONCILE_RUNS; run += 1) {
    baseline.push((await runChild({ mode: 'baseline', url }, cleanup)) as BaselineResult);
    reconcile.push((await runChild({ mode: 'reconcile', url }, cleanup)) as ReconcileResult);
    bulk.push((await runChild({ mode: 'bulk', url }, cleanup)) as BaselineResult);
  }
  const firing = await measureFiring(folder, cleanup);
  return { seedMs, reconcile, baseline, bulk, firing };
}

function printReport({ seedMs, reconcile, baseline, bulk, firing }: Report): boolean {
  const median = (values: number[]) => percentile(values, 50);
  const cold = median(reconcile.map((run) => run.coldMs));
  const warm = reconcile.flatMap((run) => run.warmMs);
  const read = median(baseline.map((run) => run.readMs));
  const peakRss = Math.max(...reconcile.map((run) => run.peakRss));
  const first = reconcile[0]!;
  process.stdout.write(
    `\nschedules: load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')} on ${availableParallelism()} CPUs (timings are wall-clock)\n`,
  );
  printTable(
    `schedules-reconcile: ${GUILDS.toLocaleString('en')} guilds x ${SCHEDULES_PER_GUILD} schedules (${first.schedules.toLocaleString('en')}) in SQLite, ${ZONES.length} zones, ` +
      `store as left ${DOWNTIME_MS / 60_000} min before start-up (seeded in ${ms(seedMs)}); each measure a fresh process, ${RECONCILE_RUNS} runs`,
    ['measure', 'median', 'min', 'max', 'CPU time, median'],
    [
      row(
        "baseline: read every guild's schedules as dueActions does (ScheduleStore.list, guild by guild), no decisions",
        baseline.map((run) => run.readMs),
        baseline.map((run) => run.readCpuMs),
      ),
      row(
        'for comparison: the same records read 1,000 keys a query (keyv.getMany)',
        bulk.map((run) => run.readMs),
        bulk.map((run) => run.readCpuMs),
      ),
      row(
        'dueActions() cold: start-up reconciliation (read + decide)',
        reconcile.map((run) => run.coldMs),
        reconcile.map((run) => run.coldCpuMs),
      ),
      row(
        'deciding alone: fresh ScheduleService, records in memory, occurrence memory cleared',
        reconcile.map((run) => run.decideMs),
        reconcile.map((run) => run.decideCpuMs),
      ),
      row(`dueActions() warm (the minute tick), ${WARM_PASSES} per run`, warm),
    ],
  );
  printTable(
    'schedules-reconcile: memory of the reconciling process (MB)',
    [
      'run',
      'RSS before (modules loaded, store open)',
      'RSS after cold',
      'RSS after warm',
      'peak RSS',
      'added by reconciliation (peak - before)',
      'heap used after',
      'actions due (remind/start/missed)',
    ],
    reconcile.map((run, index) => [
      String(index + 1),
      mb(run.rssBefore),
      mb(run.rssAfterCold),
      mb(run.rssAfterWarm),
      mb(run.peakRss),
      mb(run.peakRss - run.rssBefore),
      mb(run.heapUsedAfter),
      `${run.actions.remind}/${run.actions.start}/${run.actions.missed}`,
    ]),
  );
  const reconcileMet = cold < TARGET_RECONCILE_MS && peakRss < TARGET_RSS_MB * MB;
  const decide = median(reconcile.map((run) => run.decideMs));
  process.stdout.write(
    `reconciliation: cold ${ms(cold)}: the read-only baseline ${ms(read)} (${((read / cold) * 100).toFixed(0)}%) + deciding ${ms(decide)}; warm median ${ms(median(warm))}, peak RSS ${mb(peakRss)} MB ` +
      `(target: cold < ${TARGET_RECONCILE_MS} ms and RSS < ${TARGET_RSS_MB} MB): ${reconcileMet ? 'met' : 'NOT met'}\n`,
  );

  const openFloor = floorMs(firing.openWindow, GLOBAL_REQUESTS_PER_SECOND);
  printTable(
    `schedules-tick: one tick firing ${FIRING_GUILDS} meetings in the same minute, sandbox enforcing ${GLOBAL_REQUESTS_PER_SECOND} requests/s, bot at discord.js's default limit; ` +
      `from the start of the tick; floor = requests accepted in the window / ${GLOBAL_REQUESTS_PER_SECOND} per s`,
    ['until', 'elapsed', 'requests accepted', '429s', 'floor', 'elapsed / floor', 'accepted, by route'],
    [
      floorRow(`last of ${FIRING_GUILDS} opening messages posted`, firing.openMs, firing.openWindow, GLOBAL_REQUESTS_PER_SECOND),
      floorRow(`every meeting's round 1 posted in its thread`, firing.fullMs, firing.fullWindow, GLOBAL_REQUESTS_PER_SECOND),
    ],
  );
  printTable(
    'schedules-tick: per guild (from the start of the tick)',
    ['measure', 'median', 'p95', 'max'],
    [
      ['opening message posted', ms(percentile(firing.openedMs, 50)), ms(percentile(firing.openedMs, 95)), ms(Math.max(...firing.openedMs))],
      [
        'opening -> round 1 in its thread',
        ms(percentile(firing.openToRoundMs, 50)),
        ms(percentile(firing.openToRoundMs, 95)),
        ms(Math.max(...firing.openToRoundMs)),
      ],
    ],
  );
  const openingsOnlyFloor = (FIRING_GUILDS / GLOBAL_REQUESTS_PER_SECOND) * 1000;
  process.stdout.write(
    `tick: dueActions ${ms(firing.dueActionsMs)} (${firing.dueCount} actions); the tick began ${ms(firing.tickDelayMs)} after the clock jump (ticks every ${TICK_MS} ms); ` +
      `the ${FIRING_GUILDS} openings alone would need ${ms(openingsOnlyFloor)} (last opening at ${(firing.openMs / openingsOnlyFloor).toFixed(2)}x that); ` +
      `${firing.openings.exactlyOne}/${FIRING_GUILDS} guilds with exactly one opening (${firing.openings.none} none, ${firing.openings.several} several), ` +
      `${firing.openings.withThread}/${FIRING_GUILDS} with its thread and round 1; 429s over the whole run: ${firing.refusedTotal}\n`,
  );
  const correct = firing.openings.exactlyOne === FIRING_GUILDS && firing.openings.withThread === FIRING_GUILDS;
  const ratio = firing.openMs / openFloor;
  const tickMet = correct && ratio <= TARGET_FLOOR_RATIO;
  process.stdout.write(
    `tick: last opening ${ms(firing.openMs)} vs floor ${ms(openFloor)} = ${ratio.toFixed(2)}x (target <= ${TARGET_FLOOR_RATIO}x, every guild exactly one opening): ${tickMet ? 'met' : 'NOT met'}\n`,
  );
  return reconcileMet && tickMet;
}

const row = (label: string, values: number[], cpu?: number[]) => [
  label,
  ms(percentile(values, 50)),
  ms(Math.min(...values)),
  ms(Math.max(...values)),
  cpu ? ms(percentile(cpu, 50)) : '',
];
const mb = (bytes: number) => (bytes / MB).toFixed(1);

// ------------------------------------------------------------------ part 1: seeding the reconciliation store

/** A deterministic pseudo-random sequence, so every run seeds the same world. */
function randomSource(seed: number) {
  const next = seededRandom(seed);
  return { next, pick: <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]! };
}

/** The services as src/app.ts wires them, on one store. */
function wireServices(store: Store, now: () => Date) {
  const queue = new GuildWriteQueue();
  const circle = new CircleService(circleSettingsRepository(store, queue), now);
  const guilds = helpGuildIndex(store);
  const ledger = new LedgerStore(store, guilds);
  const prefs = new MemberPrefsStore(store);
  const help = new HelpService({ circle, requests: new HelpRequestStore(store, guilds), ledger, prefs, queue, rules: loadHelpRules(), now });
  const meetings = new MeetingService({
    circle,
    help,
    ledger,
    prefs,
    meetings: new MeetingStore(store),
    queue,
    formats: loadMeetingFormats(),
    defaultFormat: DEFAULT_MEETING_FORMAT,
    now,
  });
  const scheduleStore = new ScheduleStore(store);
  const schedules = new ScheduleService({ circle, meetings, schedules: scheduleStore, queue, now });
  return { queue, circle, meetings, scheduleStore, schedules };
}

/**
 * 10,000 guilds' settings and schedules, written straight to the store's keys (the services would
 * take minutes: every new guild rewrites the whole schedule-guild index), in the shapes the services
 * write: settings from applyCircleSettingsChange, schedules from checkScheduleInput plus what
 * ScheduleService.add adds. One guild is written through the real services first and its stored
 * shape compared with a seeded one's, so the seed cannot drift from what the bot stores.
 */
async function seedReconciliationStore(url: string): Promise<void> {
  const store = await openStore(url);
  try {
    const random = randomSource(7);
    const downAt = new Date(RECONCILE_NOW.getTime() - DOWNTIME_MS);
    const guildIds: string[] = [];
    /** A seeded guild whose first schedule has every field filled, to compare with what the services write. */
    let comparable: string | undefined;
    const writes: Array<[string, unknown]> = [];
    for (let guild = 0; guild < GUILDS; guild += 1) {
      const guildId = String(1_200_000_000_000_000_000n + BigInt(guild) * 4_194_304n);
      guildIds.push(guildId);
      const timezone = random.pick(ZONES);
      const settings = applyCircleSettingsChange(
        undefined,
        { circleChannelId: String(BigInt(guildId) + 1n), moderatorRoleId: String(BigInt(guildId) + 2n), timezone },
        { userId: String(BigInt(guildId) + 3n), at: new Date(RECONCILE_NOW.getTime() - 400 * 86_400_000) },
      );
      if (!settings.ok) throw new Error(`seed: bad settings for ${timezone}`);
      writes.push([guildKey(guildId, 'circle-settings'), circleSettingsRecord.write(settings.value)]);
      const entries: ScheduleEntry[] = [];
      for (let index = 0; index < SCHEDULES_PER_GUILD; index += 1) {
        const input: ScheduleInput = {
          name: `Circle ${guild}-${index}`,
          weekday: random.pick(WEEKDAY_NAMES),
          // 06:00-22:30 on the half hour, as groups meet.
          time: `${String(6 + Math.floor(random.next() * 17)).padStart(2, '0')}:${random.next() < 0.5 ? '00' : '30'}`,
          // Most schedules in the circle's zone, some in another (a member typed one).
          timezone: random.next() < 0.8 ? timezone : random.pick(ZONES),
          durationMinutes: random.pick([45, 60, 60, 90, 120]),
          reminderMinutes: random.pick([0, 15, 30, 60, 60, 120, 1440]),
          format: random.pick(['grow', 'short']),
        };
        const checked = checkScheduleInput(input);
        if (!checked.ok) throw new Error(`seed: bad schedule ${JSON.stringify(checked.error)}`);
        const createdAt = new Date(RECONCILE_NOW.getTime() - Math.floor(1 + random.next() * 365) * 86_400_000);
        const schedule: WeeklySchedule = {
          ...checked.value,
          id: (guild * SCHEDULES_PER_GUILD + index).toString(16).padStart(8, '0'),
          skipDates: [],
          createdAt: createdAt.toISOString(),
        };
        entries.push(steadyState(schedule, downAt, String(BigInt(guildId) + 10n + BigInt(index))));
      }
      writes.push([guildKey(guildId, 'schedules'), entries]);
      if (!comparable && entries[0]!.lastFiredKey !== null && entries[0]!.lastRemindedKey !== null) comparable = guildId;
    }
    // Through keyv, as the stores write; each 500 handed over at once go to SQLite in one transaction
    // (the store's group commit): the seed is not what is measured.
    for (let index = 0; index < writes.length; index += 500) {
      await Promise.all(writes.slice(index, index + 500).map(([key, value]) => store.keyv.set(key, value)));
    }
    // What ScheduleStore's GuildIndex keeps: every guild with schedules, one key each.
    await seedIndex(store, guildIds);
    await checkSeedShape(store, comparable!);
  } finally {
    await store.close();
  }
}

/** The entry as the bot leaves it once everything due by `downAt` was handled: fired, reminded, event kept. */
function steadyState(schedule: WeeklySchedule, downAt: Date, eventId: string): ScheduleEntry {
  const previous = previousOccurrenceDetail(schedule, downAt);
  const next = nextOccurrenceDetail(schedule, downAt);
  const fired = previous.at.getTime() >= Date.parse(schedule.createdAt);
  const remindNext = reminderAt(schedule, next.at);
  const lastRemindedKey = schedule.reminderMinutes === 0 ? null : remindNext && remindNext <= downAt ? next.key : fired ? previous.key : null;
  return { schedule, lastFiredKey: fired ? previous.key : null, lastRemindedKey, event: { id: eventId, key: next.key, status: 'scheduled' } };
}

/** Writes one guild through CircleService.setup and ScheduleService.add and compares its stored shape with the seeded guild's. */
async function checkSeedShape(store: Store, seededGuildId: string): Promise<void> {
  const { circle, schedules } = wireServices(store, () => RECONCILE_NOW);
  const probe = 'shape-probe';
  const set = await circle.setup(probe, 'probe-user', { circleChannelId: 'c', moderatorRoleId: 'r', timezone: 'Europe/Berlin' });
  const added = await schedules.add(probe, { name: 'Probe', weekday: 'tue', time: '19:00', durationMinutes: 60, reminderMinutes: 30, format: 'grow' });
  if (!set.ok || !added.ok) throw new Error('seed check: the services refused the probe guild');
  // As the bot leaves it once an occurrence was reminded and handled and the next one is in the Events tab.
  const { id } = added.value.entry.schedule;
  await schedules.claimReminder(probe, id, '2026-11-24');
  await schedules.markMissed(probe, id, '2026-11-24');
  await schedules.setEvent(probe, id, { id: 'e', key: '2026-12-01', status: 'scheduled' });
  for (const name of ['circle-settings', 'schedules']) {
    const written = shapeOf(await store.keyv.get(guildKey(probe, name)));
    const seeded = shapeOf(await store.keyv.get(guildKey(seededGuildId, name)));
    if (written !== seeded) throw new Error(`seed check: seeded ${name} ${seeded} differ from what the services write, ${written}`);
  }
  // The probe leaves no trace: the store holds exactly the seeded guilds.
  await store.keyv.delete(guildKey(probe, 'circle-settings'));
  await store.keyv.delete(guildKey(probe, 'schedules'));
  await store.keyv.delete(guildIndexKey('schedule-guilds', probe));
}

/** Lists the guilds in ScheduleStore's index, 500 keys a transaction (the group commit), as the seed writes everything. */
async function seedIndex(store: Store, guildIds: readonly string[]): Promise<void> {
  for (let index = 0; index < guildIds.length; index += 500) {
    await Promise.all(guildIds.slice(index, index + 500).map((guildId) => store.keyv.set(guildIndexKey('schedule-guilds', guildId), true)));
  }
}

/** Field names and value types, recursively, with arrays reduced to their first element. */
function shapeOf(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length > 0 ? shapeOf(value[0]) : ''}]`;
  if (value === null) return 'null';
  if (typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((key) => `${key}:${shapeOf((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return typeof value;
}

// ------------------------------------------------------------------ part 1: measured in fresh processes

interface ReconcileResult {
  readonly schedules: number;
  readonly coldMs: number;
  /** CPU time of the whole process (main thread and SQLite's worker threads) during the cold pass. */
  readonly coldCpuMs: number;
  readonly warmMs: number[];
  /** A second fresh ScheduleService on the same, already loaded ScheduleStore (occurrence memory cleared): deciding alone. */
  readonly decideMs: number;
  readonly decideCpuMs: number;
  readonly actions: Record<ScheduleAction['kind'], number>;
  readonly rssBefore: number;
  readonly rssAfterCold: number;
  readonly rssAfterWarm: number;
  readonly peakRss: number;
  readonly heapUsedAfter: number;
}

interface BaselineResult {
  readonly readMs: number;
  readonly readCpuMs: number;
  readonly schedules: number;
}

/**
 * baseline: every guild's schedules read as dueActions reads them (ScheduleStore.list, one guild
 * after another), nothing decided. bulk: the same records read 1,000 keys a query (keyv.getMany),
 * what a bulk load at start-up could cost.
 */
type ChildTask = { readonly mode: 'reconcile' | 'baseline' | 'bulk'; readonly url: string };

/** Runs one measurement in a fresh Node process; SCHEDULES_BENCH_CPU_PROF=<dir> profiles it. */
async function runChild(task: ChildTask, cleanup: Array<() => Promise<void> | void>): Promise<unknown> {
  const profile = process.env.SCHEDULES_BENCH_CPU_PROF;
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, JSON.stringify(task)], {
    execArgv: ['--import', import.meta.resolve('tsx'), ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${join(profile, task.mode)}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  cleanup.push(kill);
  const answer = new Promise<unknown>((resolve, reject) => {
    child.once('message', (message: { result?: unknown; error?: string }) =>
      message.error === undefined ? resolve(message.result) : reject(new Error(`${task.mode}: ${message.error}`)),
    );
    child.once('exit', (code, signal) => reject(new Error(`the ${task.mode} process exited (${signal ?? code}) without an answer`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const result = await withTimeout(answer, STEP_TIMEOUT_MS, `the ${task.mode} process`);
    await withTimeout(exited, STEP_TIMEOUT_MS, `the ${task.mode} process to exit`);
    return result;
  } finally {
    kill();
  }
}

async function runChildTask(task: ChildTask): Promise<ReconcileResult | BaselineResult> {
  const store = await openStore(task.url);
  try {
    await store.ready();
    if (task.mode === 'baseline') {
      const schedules = new ScheduleStore(store);
      const started = stopwatch();
      let count = 0;
      for (const guildId of await schedules.guildIds()) count += (await schedules.list(guildId)).length;
      const { elapsedMs, cpuMs } = started.read();
      return { readMs: elapsedMs, readCpuMs: cpuMs, schedules: count };
    }
    if (task.mode === 'bulk') {
      const started = stopwatch();
      const guildIds = (await store.keysStartingWith('index:schedule-guilds:')).map((key) => key.slice('index:schedule-guilds:'.length));
      let count = 0;
      for (let index = 0; index < guildIds.length; index += 1_000) {
        const values = await store.keyv.getMany(guildIds.slice(index, index + 1_000).map((guildId) => guildKey(guildId, 'schedules')));
        for (const value of values) count += (value as ScheduleEntry[] | undefined)?.length ?? 0;
      }
      const { elapsedMs, cpuMs } = started.read();
      return { readMs: elapsedMs, readCpuMs: cpuMs, schedules: count };
    }
    const { circle, meetings, queue, scheduleStore, schedules } = wireServices(store, () => RECONCILE_NOW);
    const rss = rssSampler();
    try {
      const rssBefore = rss.peak();
      const started = stopwatch();
      const due = await schedules.dueActions();
      const { elapsedMs: coldMs, cpuMs: coldCpuMs } = started.read();
      const rssAfterCold = process.memoryUsage().rss;
      const warmMs: number[] = [];
      for (let pass = 0; pass < WARM_PASSES; pass += 1) {
        const at = performance.now();
        await schedules.dueActions();
        warmMs.push(performance.now() - at);
      }
      clearResolvedTimes();
      const decider = new ScheduleService({ circle, meetings, schedules: scheduleStore, queue, now: () => RECONCILE_NOW });
      const decideStarted = stopwatch();
      await decider.dueActions();
      const { elapsedMs: decideMs, cpuMs: decideCpuMs } = decideStarted.read();
      const actions = { remind: 0, start: 0, missed: 0 };
      for (const action of due) actions[action.kind] += 1;
      let count = 0;
      for (const guildId of await schedules.guildIds()) count += (await schedules.entries(guildId)).length;
      const memory = process.memoryUsage();
      return {
        schedules: count,
        coldMs,
        coldCpuMs,
        warmMs,
        decideMs,
        decideCpuMs,
        actions,
        rssBefore,
        rssAfterCold,
        rssAfterWarm: memory.rss,
        peakRss: Math.max(rss.peak(), memory.rss),
        heapUsedAfter: memory.heapUsed,
      };
    } finally {
      rss.stop();
    }
  } finally {
    await store.close();
  }
}

/** Wall-clock and process CPU time (user + system, every thread) since it was started. */
function stopwatch() {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return {
    read() {
      const used = process.cpuUsage(cpu);
      return { elapsedMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
    },
  };
}

function rssSampler() {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  sample();
  const timer = setInterval(sample, RSS_SAMPLE_MS);
  return {
    peak: () => {
      sample();
      return peak;
    },
    stop: () => clearInterval(timer),
  };
}

// ------------------------------------------------------------------ part 2: one tick firing 500 meetings

interface FiringResult {
  /** From the firing tick's start to the last opening message stored by the sandbox. */
  readonly openMs: number;
  /** Each guild's opening, from the start of the tick. */
  readonly openedMs: number[];
  /** Each guild's round 1 after its opening. */
  readonly openToRoundMs: number[];
  /** To the last meeting's round-1 message in its thread (the meeting fully opened). */
  readonly fullMs: number;
  readonly openWindow: RequestWindow;
  readonly fullWindow: RequestWindow;
  readonly refusedTotal: number;
  readonly dueActionsMs: number;
  readonly dueCount: number;
  readonly tickDelayMs: number;
  readonly openings: { readonly exactlyOne: number; readonly none: number; readonly several: number; readonly withThread: number };
}

interface FiringGuild {
  readonly guildId: string;
  readonly channelId: string;
  readonly timezone: string;
}

/** Real time plus an offset the benchmark moves (as test/e2e/schedule.test.ts does). */
function movableClock() {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    jumpTo(at: Date) {
      offsetMs = at.getTime() - Date.now();
    },
  };
}

const isOpening = (content: string) => content.includes('has started');

async function measureFiring(folder: string, cleanup: Array<() => Promise<void> | void>): Promise<FiringResult> {
  const sandbox = await startSandbox({ globalRequestsPerSecond: GLOBAL_REQUESTS_PER_SECOND });
  cleanup.push(() => sandbox.close());
  const random = randomSource(11);
  const guilds: FiringGuild[] = [];
  for (let index = 0; index < FIRING_GUILDS; index += 1) {
    const guild = sandbox.createGuild({ name: `Circle ${index}`, ownerUsername: `owner${index}` });
    const channel = sandbox.createChannel(guild.id, { name: 'circle' });
    guilds.push({ guildId: guild.id, channelId: channel.id, timezone: random.pick(ZONES) });
  }
  const warmGuild = sandbox.createGuild({ name: 'Warm-up' });
  const warmChannel = sandbox.createChannel(warmGuild.id, { name: 'warm-up' });

  // The coming occurrence, far enough ahead that start-up cannot reach it before the clock jumps.
  const occurrence = new Date(Math.ceil((Date.now() + 10 * 60_000) / 60_000) * 60_000);
  const storeUrl = `sqlite://${join(folder, 'firing.sqlite')}`;
  await seedFiringStore(storeUrl, guilds, occurrence);

  const clock = movableClock();
  const bot = await startHelperCircle({
    config: { discordToken: sandbox.token, discordApiUrl: sandbox.apiUrl, storeUrl, logLevel: 'warn', devGuildId: undefined },
    logger: createLogger({ level: 'warn' }),
    now: clock.now,
    scheduleTickMs: TICK_MS,
  });
  cleanup.push(() => bot.stop());

  // The sandbox compiles each route's request schema on first use; a running bot would have used
  // these routes long before. Warm them (and the bot's REST path) outside the measured window.
  const channel = (await bot.client.channels.fetch(warmChannel.id)) as TextChannel;
  const warm = await channel.send({ content: 'warm-up' });
  const thread = await warm.startThread({ name: 'warm-up' });
  await thread.send({ content: 'warm-up' });
  // Let retention's start-up pass and the sandbox's one-second window settle.
  await sleep(1_500);

  const { tickStartAt, tickStartPrecise, jumpedAt, dueActionsMs, dueCount } = await fireAndTime(bot, clock, occurrence, sandbox, guilds);

  // Correctness, not timed: every guild exactly one opening, with its thread and round 1.
  await sleep(1_000); // later ticks must not open anything twice
  const openings = { exactlyOne: 0, none: 0, several: 0, withThread: 0 };
  const openedAt: number[] = [];
  const roundAt: number[] = [];
  const openToRoundMs: number[] = [];
  for (const guild of guilds) {
    const found = sandbox.messages(guild.channelId).filter((message) => isOpening(message.content));
    if (found.length === 1) openings.exactlyOne += 1;
    else if (found.length === 0) openings.none += 1;
    else openings.several += 1;
    const opened = found[0] ? Date.parse(found[0].timestamp) : undefined;
    if (opened !== undefined) openedAt.push(opened);
    const record = await bot.services.meetings.current(guild.guildId);
    const round = roundOf(sandbox, guild);
    if (round && record?.threadId === round.channel_id) {
      openings.withThread += 1;
      roundAt.push(Date.parse(round.timestamp));
      if (opened !== undefined) openToRoundMs.push(Date.parse(round.timestamp) - opened);
    }
  }
  const lastOpen = Math.max(...openedAt);
  const lastRound = Math.max(...roundAt);
  const window = (untilAt: number): RequestWindow => {
    const byRoute: Record<string, number> = {};
    let accepted = 0;
    let refused = 0;
    // Request `at` is the sandbox's precise clock; message timestamps are wall-clock ms (1 ms steps).
    const until = tickStartPrecise + (untilAt - tickStartAt) + 1;
    for (const request of sandbox.requests) {
      if (request.at < tickStartPrecise || request.at > until || request.route.includes('/callback')) continue;
      if (request.status === 429) refused += 1;
      else {
        accepted += 1;
        byRoute[request.route] = (byRoute[request.route] ?? 0) + 1;
      }
    }
    return { accepted, refused, byRoute };
  };
  return {
    openMs: lastOpen - tickStartAt,
    openedMs: openedAt.map((at) => at - tickStartAt),
    openToRoundMs,
    fullMs: lastRound - tickStartAt,
    openWindow: window(lastOpen),
    fullWindow: window(lastRound),
    refusedTotal: sandbox.requests.filter((request) => request.status === 429).length,
    dueActionsMs,
    dueCount,
    tickDelayMs: tickStartAt - jumpedAt,
    openings,
  };
}

/** The first message in the thread started from the guild's opening message (round 1), if any. */
function roundOf(sandbox: Sandbox, guild: FiringGuild) {
  for (const thread of sandbox.threads(guild.channelId)) {
    const [first] = sandbox.messages(thread.id);
    if (first) return first;
  }
  return undefined;
}

/** Jumps the clock to the occurrence and waits (polling the sandbox only) until every guild's meeting has its round 1 posted. */
async function fireAndTime(bot: RunningBot, clock: ReturnType<typeof movableClock>, occurrence: Date, sandbox: Sandbox, guilds: readonly FiringGuild[]) {
  // The conductor calls dueActions at the start of every tick: the first call that returns actions
  // marks the start of the tick that fires (the instance is the bot's own; its behaviour is unchanged).
  const service = bot.services.schedules;
  const original = service.dueActions.bind(service);
  let firing: { at: number; precise: number; durationMs: number; count: number } | undefined;
  service.dueActions = async () => {
    const at = Date.now();
    const precise = performance.timeOrigin + performance.now();
    const actions = await original();
    if (actions.length > 0 && !firing) firing = { at, precise, durationMs: performance.timeOrigin + performance.now() - precise, count: actions.length };
    return actions;
  };
  const jumpedAt = Date.now();
  clock.jumpTo(new Date(occurrence.getTime() + 100));
  const pending = new Set(guilds);
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
      `${FIRING_GUILDS} scheduled meetings to open`,
    );
  } finally {
    gaveUp = true;
    service.dueActions = original;
  }
  if (!firing) throw new Error('no tick fired the scheduled meetings');
  return { tickStartAt: firing.at, tickStartPrecise: firing.precise, jumpedAt, dueActionsMs: firing.durationMs, dueCount: firing.count };
}

/**
 * Circle `index`'s weekly schedule as /schedule add leaves it: an hour at `occurrence` in `timezone`, no
 * reminder, the short format; throws if its next occurrence (from now) is not `occurrence`.
 */
export function firingSchedule(index: number, timezone: string, occurrence: Date, id: string, createdAt: string): WeeklySchedule {
  const local = DateTime.fromJSDate(occurrence, { zone: timezone });
  const checked = checkScheduleInput({
    name: `Circle ${index}`,
    weekday: local.toFormat('ccc').toLowerCase(),
    time: local.toFormat('HH:mm'),
    timezone,
    durationMinutes: 60,
    reminderMinutes: 0,
    format: 'short',
  });
  if (!checked.ok) throw new Error(`seed: bad schedule ${JSON.stringify(checked.error)}`);
  const schedule: WeeklySchedule = { ...checked.value, id, skipDates: [], createdAt };
  if (nextOccurrenceDetail(schedule, new Date()).at.getTime() !== occurrence.getTime()) throw new Error(`seed: ${timezone}'s schedule misses the occurrence`);
  return schedule;
}

/** Each firing guild set up as /circle setup and /schedule add would leave it: one schedule at `occurrence`, no reminder. */
async function seedFiringStore(url: string, guilds: readonly FiringGuild[], occurrence: Date): Promise<void> {
  const store = await openStore(url);
  try {
    const createdAt = new Date().toISOString();
    for (const [index, guild] of guilds.entries()) {
      const settings = applyCircleSettingsChange(undefined, { circleChannelId: guild.channelId, timezone: guild.timezone }, { userId: 'seed', at: new Date() });
      if (!settings.ok) throw new Error(`seed: bad settings for ${guild.timezone}`);
      const schedule = firingSchedule(index, guild.timezone, occurrence, index.toString(16).padStart(8, '0'), createdAt);
      const entry: ScheduleEntry = { schedule, lastFiredKey: null, lastRemindedKey: null, event: null };
      await Promise.all([
        store.keyv.set(guildKey(guild.guildId, 'circle-settings'), circleSettingsRecord.write(settings.value)),
        store.keyv.set(guildKey(guild.guildId, 'schedules'), [entry]),
      ]);
    }
    await seedIndex(
      store,
      guilds.map((guild) => guild.guildId),
    );
  } finally {
    await store.close();
  }
}

// ------------------------------------------------------------------ helpers

const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

if (process.argv.includes(CHILD_FLAG)) {
  const task = JSON.parse(process.argv[process.argv.indexOf(CHILD_FLAG) + 1]!) as ChildTask;
  try {
    process.send!({ result: await runChildTask(task) });
  } catch (error) {
    process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  process.disconnect();
}
