import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LedgerEvent } from '../src/domain/help/ledger-events.ts';
import { typeDistribution, typeGroup, type MatonType } from '../src/domain/help/maton.ts';
import { dailyTallies, mergeTallies, tallyEvents, type MemberTally } from '../src/domain/help/tally.ts';
import { daysBetween, rollingWindow } from '../src/domain/help/week.ts';
import { ms, percentile, printTable } from './stats.ts';
import { peakRssSinceReset, resetPeakRss } from './peak-memory.ts';
import { seededRandom } from './random.ts';

const MEMBERS = 10_000;
const EVENTS = 200_000;
const WINDOW_DAYS = 28;
const TIMEZONE = 'Europe/London';
const NOW = new Date('2026-06-28T12:00:00Z');
const TARGET_MS = 1000;
const TARGET_MB = 200;
const RUNS = 5;
const EVENTS_PER_DAY = 1_000;
const HISTORY_SIZES = [1_000, 5_000, 14_000, 28_000, 56_000, 100_000, 200_000];
const GROWTH_RUNS = 9;
const CHILD_FLAG = '--maton-typing-child';
const MB = 1024 * 1024;
const DAY = 86_400_000;

/**
 * Maton typing of a busy guild, and how /stats latency grows with a guild's history. Both run in a
 * fresh Node process (with GC exposed), so memory is this job's alone and earlier benchmarks' garbage
 * does not land in the timings.
 * (a) 10,000 members, 200,000 ledger events over 28 days: tally every event in the window and type
 *     the whole group, against a baseline of merely reading every event's time once.
 * (b) A guild with steady activity whose history grows from 1k to 200k events: /stats from 28 daily
 *     aggregates (merge, then type) against re-tallying the whole history each time.
 */
export async function matonTyping(): Promise<{ withinTarget: boolean; typingMs: number; peakMb: number }> {
  const { whole, growth } = await inFreshProcess();
  printTable(
    `maton-typing (a): ${MEMBERS.toLocaleString('en')} members, ${EVENTS.toLocaleString('en')} events over ${WINDOW_DAYS} days (${TIMEZONE}), ${RUNS} runs`,
    ['step', 'median', 'max'],
    [
      ['read every event time once (baseline)', ms(percentile(whole.baselineMs, 50)), ms(Math.max(...whole.baselineMs))],
      ['tally all events + type the group', ms(percentile(whole.typingMs, 50)), ms(Math.max(...whole.typingMs))],
      ['build 28 daily aggregates from scratch (storage keeps them as events arrive)', ms(whole.dailyMs), ms(whole.dailyMs)],
    ],
  );
  printTable(
    `maton-typing (a): memory (${whole.kernelPeak ? "tally + typing peak: the kernel's high-water mark VmHWM, reset after generating" : 'tally + typing peak: rss sampled between steps'})`,
    ['measure', 'value'],
    [
      ['rss of Node + tsx before any data', mb(whole.startRss)],
      ['rss holding the 200k events (after GC)', mb(whole.dataRss)],
      ['heap holding the 200k events', mb(whole.dataHeap)],
      ['peak rss while tallying + typing (target)', mb(whole.computeRss)],
      ['heap allocated by one tally + typing', mb(whole.computeHeap)],
      ['process peak rss including generating the events (getrusage)', mb(whole.peakRss)],
    ],
  );
  process.stdout.write(`types: ${whole.types} of ${whole.active.toLocaleString('en')} active members\n`);

  printTable(
    `maton-typing (b): /stats (tallies + types over the last ${WINDOW_DAYS} days) as history grows at ${EVENTS_PER_DAY.toLocaleString('en')} events a day, median (best) of ${GROWTH_RUNS} runs`,
    ['events in history', 'days of history', 'events in window', 'merge 28 daily aggregates + type (best)', 're-tally whole history + type (best)'],
    growth.map((row) => [
      row.events.toLocaleString('en'),
      String(row.historyDays),
      row.inWindow.toLocaleString('en'),
      `${ms(row.aggregateMs)} (${ms(row.aggregateBestMs)})`,
      `${ms(row.retallyMs)} (${ms(row.retallyBestMs)})`,
    ]),
  );
  const full = growth.find((row) => row.historyDays >= WINDOW_DAYS)!;
  const last = growth.at(-1)!;
  // Best runs: the 2-core machine is shared, and the fastest run is the one least disturbed by others.
  const aggregateGrowth = last.aggregateBestMs / full.aggregateBestMs;
  const retallyGrowth = last.retallyBestMs / full.retallyBestMs;
  process.stdout.write(
    `history ${full.events.toLocaleString('en')} -> ${last.events.toLocaleString('en')} events (${(last.events / full.events).toFixed(1)}x): ` +
      `aggregate path ${aggregateGrowth.toFixed(2)}x, re-tally path ${retallyGrowth.toFixed(2)}x (best runs)\n`,
  );

  const typingMs = percentile(whole.typingMs, 50);
  const peakMb = whole.computeRss / MB;
  const timeMet = typingMs < TARGET_MS;
  const memoryMet = peakMb < TARGET_MB;
  // Once the window is full the aggregate path must stay flat while history grows ~7x; 2x allows timer noise.
  const flatMet = aggregateGrowth < 2;
  process.stdout.write(
    `tally + type ${ms(typingMs)} (target < ${TARGET_MS} ms): ${timeMet ? 'met' : 'NOT met'}; ` +
      `peak rss while typing ${peakMb.toFixed(1)} MB (target < ${TARGET_MB} MB): ${memoryMet ? 'met' : 'NOT met'}; ` +
      `aggregate path flat as history grows: ${flatMet ? 'met' : 'NOT met'}\n`,
  );
  return { withinTarget: timeMet && memoryMet && flatMet, typingMs, peakMb };
}

interface WholeGuild {
  baselineMs: number[];
  typingMs: number[];
  dailyMs: number;
  startRss: number;
  dataRss: number;
  dataHeap: number;
  computeRss: number;
  computeHeap: number;
  peakRss: number;
  kernelPeak: boolean;
  types: string;
  active: number;
}

interface GrowthRow {
  events: number;
  historyDays: number;
  inWindow: number;
  aggregateMs: number;
  retallyMs: number;
  aggregateBestMs: number;
  retallyBestMs: number;
}

interface ChildReport {
  whole: WholeGuild;
  growth: GrowthRow[];
}

function inFreshProcess(): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], {
      execArgv: ['--import', import.meta.resolve('tsx'), '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (message) => resolve(message as ChildReport));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`maton-typing child exited with ${code} before reporting`)));
  });
}

const gc: () => void = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** (a), in the child: generate the guild, then tally and type it, measuring time and memory. */
function measureWholeGuild(): WholeGuild {
  const startRss = process.memoryUsage().rss;
  const window = rollingWindow(NOW, WINDOW_DAYS, TIMEZONE);
  const events = generateEvents(seededRandom(1988), EVENTS, window.from.getTime(), NOW.getTime(), MEMBERS);
  gc();
  const dataRss = process.memoryUsage().rss;
  const dataHeap = process.memoryUsage().heapUsed;
  // Generating leaves a peak of its own; only the tally + typing phase is measured against the target.
  const kernelPeak = resetPeakRss();

  const baselineMs: number[] = [];
  const typingMs: number[] = [];
  let computeRss = dataRss;
  let computeHeap = 0;
  let types = new Map<string, MatonType>();
  for (let run = 0; run < RUNS; run += 1) {
    let start = performance.now();
    let inWindow = 0;
    for (const event of events) if (Date.parse(event.at) >= window.from.getTime()) inWindow += 1;
    baselineMs.push(performance.now() - start);
    if (inWindow !== EVENTS) throw new Error(`generator left ${EVENTS - inWindow} events outside the window`);

    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    start = performance.now();
    const tallies = tallyEvents(events, window);
    computeRss = Math.max(computeRss, process.memoryUsage().rss);
    types = typeGroup(tallies, { mode: 'median' });
    typingMs.push(performance.now() - start);
    const usage = process.memoryUsage();
    computeRss = Math.max(computeRss, usage.rss);
    computeHeap = Math.max(computeHeap, usage.heapUsed - heapBefore);
  }
  computeRss = Math.max(computeRss, (kernelPeak && peakRssSinceReset()) || 0);

  const start = performance.now();
  dailyTallies(events, TIMEZONE);
  const dailyMs = performance.now() - start;

  const distribution = typeDistribution(types.values());
  return {
    baselineMs,
    typingMs,
    dailyMs,
    startRss,
    dataRss,
    dataHeap,
    computeRss,
    computeHeap,
    peakRss: process.resourceUsage().maxRSS * 1024,
    kernelPeak,
    types: Object.entries(distribution)
      .map(([type, count]) => `${type} ${count.toLocaleString('en')}`)
      .join(', '),
    active: types.size,
  };
}

/**
 * (b), in the child: a guild that stays equally busy, so a longer history means more days, not a
 * busier window. Re-tallying reads every event ever kept; the aggregate path reads the window's 28
 * daily maps only, and is timed after the history is dropped, as in the bot, where history stays on
 * disk and a live 200k-event heap would only add garbage-collection time that is not the path's own.
 */
function historyGrowth(): GrowthRow[] {
  const window = rollingWindow(NOW, WINDOW_DAYS, TIMEZONE);
  const windowDays = daysBetween(window.from, window.to, TIMEZONE);
  const measure = (size: number, runs: number): GrowthRow => {
    const historyDays = Math.ceil(size / EVENTS_PER_DAY);
    let history: LedgerEvent[] | undefined = generateEvents(seededRandom(size), size, NOW.getTime() - historyDays * DAY, NOW.getTime(), MEMBERS);
    const retally: number[] = [];
    let tallied = new Map<string, MemberTally>();
    for (let run = 0; run < runs; run += 1) {
      gc();
      const start = performance.now();
      tallied = tallyEvents(history, window);
      typeGroup(tallied, { mode: 'median' });
      retally.push(performance.now() - start);
    }
    const daily = dailyTallies(history, TIMEZONE);
    const windowParts = windowDays.map((day) => daily.get(day)).filter((part): part is Map<string, MemberTally> => part !== undefined);
    const inWindow = history.filter((event) => Date.parse(event.at) >= window.from.getTime()).length;
    history = undefined;
    daily.clear();

    const aggregate: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      gc();
      const start = performance.now();
      const merged = mergeTallies(windowParts);
      typeGroup(merged, { mode: 'median' });
      aggregate.push(performance.now() - start);
      if (merged.size !== tallied.size) throw new Error(`aggregates (${merged.size}) and re-tally (${tallied.size}) disagree`);
    }
    return {
      events: size,
      historyDays,
      inWindow,
      aggregateMs: percentile(aggregate, 50),
      retallyMs: percentile(retally, 50),
      aggregateBestMs: Math.min(...aggregate),
      retallyBestMs: Math.min(...retally),
    };
  };
  measure(50_000, 3); // warm-up: let the JIT compile both paths before anything is timed
  return HISTORY_SIZES.map((size) => measure(size, GROWTH_RUNS));
}

/**
 * Events spread evenly over [from, to), in time order as storage appends them. Activity is skewed as
 * in real groups: a few members give and ask a lot, many rarely. Mix: 15% requests opened, 5% closed,
 * 60% offers (0.5% of them on one's own request), 20% confirmations.
 *
 * Each chunk goes through JSON as storage (keyv) hands events back, so strings are flat as in
 * production: ids built with template strings would be V8 cons strings and nearly double the memory.
 */
function generateEvents(random: () => number, count: number, from: number, to: number, members: number): LedgerEvent[] {
  const memberId = (index: number) => `1${String(index).padStart(18, '0')}`;
  const skewed = (power: number) => Math.floor(members * random() ** power);
  const events: LedgerEvent[] = [];
  let chunk: LedgerEvent[] = [];
  const flush = () => {
    for (const event of JSON.parse(JSON.stringify(chunk)) as LedgerEvent[]) events.push(event);
    chunk = [];
  };
  for (let index = 0; index < count; index += 1) {
    const at = new Date(from + Math.floor(((to - from) * index) / count)).toISOString();
    const id = `e${index}`;
    const roll = random();
    if (roll < 0.15 || roll >= 0.95) {
      const asker = memberId(skewed(1.5));
      const requestId = `r${skewed(1)}`;
      chunk.push(
        roll < 0.15
          ? { id, at, kind: 'request-opened', requestId, memberId: asker, anonymous: random() < 0.2 }
          : { id, at, kind: 'request-closed', requestId, memberId: asker },
      );
    } else {
      const giverId = memberId(skewed(2));
      const receiverId = random() < 0.005 ? giverId : memberId(members - 1 - skewed(1.5));
      chunk.push({ id, at, kind: roll < 0.75 ? 'offer-made' : 'offer-confirmed', offerId: `o${index}`, requestId: `r${index}`, giverId, receiverId });
    }
    if (chunk.length === 5_000) flush();
  }
  flush();
  return events;
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

if (process.argv.includes(CHILD_FLAG)) {
  const report: ChildReport = { whole: measureWholeGuild(), growth: historyGrowth() };
  process.send!(report, () => process.exit(0));
}
