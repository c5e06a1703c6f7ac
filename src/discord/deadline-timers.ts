/** setTimeout's longest wait; a deadline further off is re-checked when this one fires. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * One timer per guild for its next deadline (a round's end, a share's time box). Arming replaces the
 * guild's earlier timer; stopping clears them all and refuses new ones. The deadlines themselves live
 * in the store, so after a restart the conductors arm them again from there.
 */
export class DeadlineTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly now: () => Date) {}

  /** Runs `fire` at `deadline` (at once if it has passed); none when the deadline is null. */
  arm(guildId: string, deadline: Date | null, fire: () => void): void {
    clearTimeout(this.timers.get(guildId));
    this.timers.delete(guildId);
    if (!deadline || this.stopped) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, deadline.getTime() - this.now().getTime()));
    this.timers.set(
      guildId,
      setTimeout(() => {
        this.timers.delete(guildId);
        fire();
      }, wait),
    );
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
