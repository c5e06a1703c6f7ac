import { isGuildKey } from './guild-key.ts';

/** The guilds a run holds (its own, and those of the runs it was started within), while it lasts. */
interface Held {
  readonly guildIds: ReadonlySet<string>;
  open: boolean;
}

let grant: (guildId: string, held: Held) => GuildWrite;
let heldBy: (tx: GuildWrite) => Held;

/**
 * The right to write one guild's records, handed by {@link GuildWriteQueue.run} to its task: every
 * store method that writes takes one, so a write outside the guild's queue does not compile. Nothing
 * else can make one (the constructor is private, and the private member keeps a look-alike object from
 * passing for one). A store writes to the handle's own guild, never to a guild id passed beside it, and
 * the store's write primitives check each key against it, and that its run has not ended.
 */
export class GuildWrite {
  static {
    grant = (guildId, held) => new GuildWrite(guildId, held);
    heldBy = (tx) => tx.held;
  }

  private constructor(
    /** The guild this handle may write. */
    readonly guildId: string,
    private readonly held: Held,
  ) {}

  /**
   * Throws unless `key` belongs to this handle's guild and the run it was handed to is still going: a
   * handle kept past its run (work left going after the task returned) would write outside the queue.
   */
  assertWritable(key: string): void {
    if (!this.held.open) throw new Error(`A write for guild ${this.guildId} came after its write-queue run ended (${key}).`);
    if (!isGuildKey(this.guildId, key)) throw new Error(`A write handle for guild ${this.guildId} cannot write ${key}.`);
  }
}

/**
 * One ordered writer per guild (keyv has no transactions). Every read-modify-write for a
 * guild runs here, one after another, so concurrent clicks never lose an update; the task gets the
 * guild's {@link GuildWrite}, without which no store writes. Different guilds run in parallel. Runs
 * nest: a step given the handle of the run it is part of (`within`) goes on in that run, in place, so
 * one member action can check, write, link and record as one run through the services it composes.
 *
 * Nesting is explicit, not found from the async context: AsyncLocalStorage would do it, but on Node 20
 * it puts a hook on every promise the process makes, which about doubled the CPU of a check-in.
 */
export class GuildWriteQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private accepting = true;

  run<T>(guildId: string, task: (tx: GuildWrite) => Promise<T>, within?: GuildWrite): Promise<T> {
    // Part of a run that holds this guild (a use case composing several steps): go on in it, in order.
    // Queuing behind ourselves would wait forever. The handle lasts as long as the run it goes on in.
    // A handle whose run has ended (work left going after it) queues like anyone else.
    const holding = within ? heldBy(within) : undefined;
    if (holding?.open && holding.guildIds.has(guildId)) return task(grant(guildId, holding));
    if (!this.accepting) {
      return Promise.reject(new Error('The store is shutting down; no new writes are accepted.'));
    }
    // The tail never rejects (see below), so a failed task cannot poison the ones queued after it.
    const previous = this.tails.get(guildId) ?? Promise.resolve();
    const result = previous.then(() => {
      // Within another guild's run, this one holds that guild too, so a step back into it goes on in place.
      const held: Held = { guildIds: new Set([...(holding?.open ? holding.guildIds : []), guildId]), open: true };
      return task(grant(guildId, held)).finally(() => (held.open = false));
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
