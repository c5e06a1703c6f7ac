/**
 * One ordered writer per guild (DESIGN.md: keyv has no transactions). Every read-modify-write for a
 * guild runs here, one after another, so concurrent clicks never lose an update. Different guilds run
 * in parallel.
 */
export class GuildWriteQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private accepting = true;

  run<T>(guildId: string, task: () => Promise<T>): Promise<T> {
    if (!this.accepting) {
      return Promise.reject(new Error('The store is shutting down; no new writes are accepted.'));
    }
    // The tail never rejects (see below), so a failed task cannot poison the ones queued after it.
    const previous = this.tails.get(guildId) ?? Promise.resolve();
    const result = previous.then(task);
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
