/**
 * A bot process for the multi-process tests: what `npm start` runs (`runBotProcess`, src/run-bot.ts:
 * the environment read once, a graceful stop on SIGTERM, an exit when its shards are lost), with the test knobs a test needs to
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
import { runBotProcess } from '../../../src/run-bot.ts';

const number = (name: string): number | undefined => {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : Number(value);
};

let clockOffsetMs = number('HC_TEST_CLOCK_OFFSET_MS') ?? 0;
process.on('message', (message: { clockOffsetMs?: number }) => {
  if (typeof message.clockOffsetMs === 'number') clockOffsetMs = message.clockOffsetMs;
});
// The test process went away (it failed hard, or was killed): go too rather than linger.
process.on('disconnect', () => process.exit(1));

await runBotProcess({
  now: () => new Date(Date.now() + clockOffsetMs),
  meetingMinuteMs: number('HC_TEST_MEETING_MINUTE_MS'),
  scheduleTickMs: number('HC_TEST_SCHEDULE_TICK_MS'),
  leaseRetryMs: number('HC_TEST_LEASE_RETRY_MS'),
  leaseHealthCheckMs: number('HC_TEST_LEASE_CHECK_MS'),
});
