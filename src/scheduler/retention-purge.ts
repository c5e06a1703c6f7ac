import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logging/logger.ts';
import type { PurgeOutcome, RetentionService } from '../services/retention-service.ts';

/** Every day at 03:17 UTC: a quiet hour for most circles, off the top of the hour. */
export const RETENTION_PURGE_SCHEDULE = '17 3 * * *';

export interface RetentionPurgeOptions {
  readonly retention: Pick<RetentionService, 'purgeExpired'>;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Guilds to visit besides those the index knows (the guilds the bot is in). */
  readonly guildIds?: () => Iterable<string>;
  readonly schedule?: string;
}

export interface RetentionPurge {
  /** Runs the purge now (also used for the catch-up at start-up); never rejects, failures are logged. */
  runNow(): Promise<PurgeOutcome | undefined>;
  /** No more runs; waits for one in progress. */
  stop(): Promise<void>;
}

/**
 * Forgets what is older than the retention period (ledger days, closed requests, practical tasks, the
 * last meeting's record, earlier meeting posts, chairing-rotation entries and crisis alerts:
 * RetentionService.purgeExpired), daily, and once at start-up to catch up after downtime. The schedule
 * lives in code and the last result in the log: a missed day is harmless because each run removes
 * everything that has expired by then.
 */
export function startRetentionPurge(options: RetentionPurgeOptions): RetentionPurge {
  const log = options.logger.child({ job: 'retention-purge' });
  let running: Promise<PurgeOutcome | undefined> | undefined;
  let stopped = false;

  const runNow = (): Promise<PurgeOutcome | undefined> => {
    if (stopped) return Promise.resolve(undefined);
    running ??= (async () => {
      try {
        const outcome = await options.retention.purgeExpired(options.now(), options.guildIds?.() ?? []);
        log.info(outcome, 'expired help data purged');
        return outcome;
      } catch (error) {
        log.error({ err: error }, 'retention purge failed; it will be tried again at the next run');
        return undefined;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const task: ScheduledTask = cron.schedule(
    options.schedule ?? RETENTION_PURGE_SCHEDULE,
    async () => {
      await runNow();
    },
    {
      name: 'retention-purge',
      timezone: 'UTC',
      noOverlap: true,
      logger: {
        info: (message) => log.debug(message),
        warn: (message) => log.warn(message),
        error: (message, error) => log.error({ err: error ?? message }, 'scheduler error'),
        debug: (message) => log.debug({ detail: String(message) }, 'scheduler'),
      },
    },
  );

  return {
    runNow,
    async stop() {
      stopped = true;
      await task.destroy();
      await running;
    },
  };
}
