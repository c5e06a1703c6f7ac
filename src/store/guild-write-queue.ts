import { AsyncLocalStorage } from 'node:async_hooks';

/** The guilds whose run the current async context is inside, while that run lasts. */
interface Held {
  readonly guildIds: ReadonlySet<string>;
  open: boolean;
}

/**
 * One ordered writer per guild (DESIGN.md: keyv has no transactions). Every read-modify-write for a
 * guild runs here, one after another, so concurrent clicks never lose an update. Different guilds run
 * in parallel. Runs nest: a step that runs for a guild inside that guild's run goes on in place, so
 * one member action can check, write, link and record as one run, through the services it composes.
 */
export class GuildWriteQueue {
  private readonly holding = new AsyncLocalStorage<Held>();
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private accepting = true;

  run<T>(guildId: string, task: () => Promise<T>): Promise<T> {
    // Already inside this guild's run (a use case composing several steps): go on in it, in order.
    // Queuing behind ourselves would wait forever.
    const holding = this.holding.getStore();
    if (holding?.open && holding.guildIds.has(guildId)) return task();
    if (!this.accepting) {
      return Promise.reject(new Error('The store is shutting down; no new writes are accepted.'));
    }
    // The tail never rejects (see below), so a failed task cannot poison the ones queued after it.
    const previous = this.tails.get(guildId) ?? Promise.resolve();
    const result = previous.then(() => {
      const held: Held = { guildIds: new Set([...(holding?.open ? holding.guildIds : []), guildId]), open: true };
      // Work the task left running after it finished (not awaited) must queue like anyone else.
      return this.holding.run(held, task).finally(() => (held.open = false));
    });
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(guildId, tail);
    this.inFlight.add(tail);
    void tail.then(() => {
      this.inFlight.delete(tail);
      if (this.tails.get(guildId) === tail) this.tails.delete(guildId);
    });
    return result;
  }

  /** Stops taking new writes and waits for every queued one to finish (graceful shutdown). */
  async drain(): Promise<void> {
    this.accepting = false;
    while (this.inFlight.size > 0) {
      await Promise.all([...this.inFlight]);
    }
  }

  get pending(): number {
    return this.inFlight.size;
  }
}
