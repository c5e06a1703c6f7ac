import type { ScheduleEntry } from '../store/schedule-store.ts';

/**
 * What a service changed that Discord has to show. Services publish after the change is stored (and
 * outside the guild's write queue, so posting never holds it); the Discord layer's conductors are
 * subscribed at start-up (src/app.ts). So commands never call a conductor: they call a service, and
 * Discord follows from what was stored.
 */
export type ServiceChange =
  /** A meeting started or was steered: its thread is brought up to date. */
  | { readonly kind: 'meeting'; readonly guildId: string }
  /** A voice meeting's speaking order changed (a press, someone joining or leaving): its message is edited. */
  | { readonly kind: 'turns'; readonly guildId: string }
  /** Schedules were added, skipped or removed: the server's Events tab follows (`removed` loses its event). */
  | { readonly kind: 'schedules'; readonly guildId: string; readonly removed?: ScheduleEntry }
  /** A moderator asked for the weekly reflection now; `key` is the slot it counts as, or a one-off key. */
  | { readonly kind: 'reflection'; readonly guildId: string; readonly at: Date; readonly key: string };

export type ChangeListener = (change: ServiceChange) => Promise<void>;

/** The one place changes are announced; publishing waits for every listener, so the caller answers after Discord. */
export class ChangeFeed {
  private readonly listeners: ChangeListener[] = [];

  subscribe(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  async publish(change: ServiceChange): Promise<void> {
    for (const listener of this.listeners) await listener(change);
  }
}
