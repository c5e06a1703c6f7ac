/**
 * A bot process for the multi-process tests: what `npm start` runs (the environment read once by the
 * same schema, `startHelperCircle`, a graceful stop on SIGTERM), with the test knobs a test needs to
 * see meetings, schedules and reflections happen in seconds. Started by the tests as
 * `node --import tsx test/e2e/processes/bot-process.ts`, never by people.
 *
 * Test knobs, from the environment:
 * - HC_TEST_MEETING_MINUTE_MS: how long a meeting format's minute lasts;
 * - HC_TEST_SCHEDULE_TICK_MS: how often schedules and reflections are checked;
 * - HC_TEST_LEASE_RETRY_MS, HC_TEST_LEASE_CHECK_MS: how often a standby tries to take its shards over,
 *   and how often a serving process checks its shard leases (seconds in production);
 * - HC_TEST_CLOCK_OFFSET_MS: the bot's clock runs this far ahead of real time. The test moves it while
 *   the process runs by sending `{ clockOffsetMs }` over the IPC channel, so every process of a test
 *   shares one moved clock, as the single-process tests' `movableClock` does.
 */
import { startHelperCircle, type RunningBot } from '../../../src/app.ts';
import { readConfig } from '../../../src/config/config.ts';
import { createLogger } from '../../../src/logging/logger.ts';

const number = (name: string): number | undefined => {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : Number(value);
};

const config = readConfig(process.env);
if (!config.ok) {
  process.stderr.write(`Helper Circle cannot start: the environment is not right.\n${config.error.map((p) => `  ${p.variable} ${p.message}`).join('\n')}\n`);
  process.exit(1);
}
const logger = createLogger({ level: config.value.logLevel, secrets: [config.value.discordToken] });
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

let clockOffsetMs = number('HC_TEST_CLOCK_OFFSET_MS') ?? 0;
process.on('message', (message: { clockOffsetMs?: number }) => {
  if (typeof message.clockOffsetMs === 'number') clockOffsetMs = message.clockOffsetMs;
});
// The test process went away (it failed hard, or was killed): go too rather than linger.
process.on('disconnect', () => process.exit(1));

let bot: RunningBot | undefined;
let stopRequested = false;
// A standby waits for its shards; a signal then ends the wait, as in `npm start`.
const waiting = new AbortController();
const stop = () => {
  stopRequested = true;
  waiting.abort();
  bot?.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

try {
  bot = await startHelperCircle({
    config: config.value,
    logger,
    now: () => new Date(Date.now() + clockOffsetMs),
    meetingMinuteMs: number('HC_TEST_MEETING_MINUTE_MS'),
    scheduleTickMs: number('HC_TEST_SCHEDULE_TICK_MS'),
    leaseRetryMs: number('HC_TEST_LEASE_RETRY_MS'),
    leaseHealthCheckMs: number('HC_TEST_LEASE_CHECK_MS'),
    signal: waiting.signal,
    onShardsLost: (reason) => {
      process.stderr.write(`Helper Circle stopped serving: ${reason.message} Restarted, it waits as a standby.\n`);
      process.exit(1);
    },
  });
} catch (error) {
  if (stopRequested && waiting.signal.aborted && error === waiting.signal.reason) process.exit(0);
  logger.fatal({ err: error }, 'Helper Circle could not start');
  process.stderr.write(`Helper Circle could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
if (stopRequested) stop();
