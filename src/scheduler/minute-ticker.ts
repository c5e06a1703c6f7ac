import type { Logger } from '../logging/logger.ts';

export interface MinuteTickerOptions {
  readonly logger: Logger;
  readonly now: () => Date;
  /** Default one minute: schedules and reflections are set to the minute. Tests use less. */
  readonly tickMs?: number;
}

/**
 * Runs the jobs that are due "at a minute" (schedules, weekly reflections): once at start-up, to catch
 * up after downtime, then on every minute boundary, so a meeting set for 18:00 starts at 18:00:00 and
 * not at 18:00:59. A tick never overlaps the previous one; a slow tick delays the next.
 */
export class MinuteTicker {
  private readonly jobs: Array<{ name: string; run: () => Promise<void> }> = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: MinuteTickerOptions) {}

  add(name: string, run: () => Promise<void>): void {
    this.jobs.push({ name, run });
  }

  async start(): Promise<void> {
    await this.tick();
    this.arm();
  }

  /** Every job once, one after another; a failing job is logged and the others still run. */
  tick(): Promise<void> {
    this.running ??= (async () => {
      for (const job of this.jobs) {
        if (this.stopped) return;
        try {
          await job.run();
        } catch (error) {
          this.options.logger.error({ err: error, job: job.name }, 'minute job failed');
        }
      }
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private arm(): void {
    if (this.stopped) return;
    const tickMs = this.options.tickMs ?? 60_000;
    const wait = tickMs - (this.options.now().getTime() % tickMs) + 50;
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.arm());
    }, wait);
  }
}
