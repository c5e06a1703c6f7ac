import { isGuildKey } from './guild-key.ts';

/** The guilds a run holds (its own, and those of the runs it was started within), while it lasts. */
interface Held {
  readonly guildIds: ReadonlySet<string>;
  open: boolean;
  /** This run's place among all runs started in this process (see {@link runsStarted}). */
  readonly number: number;
  /** The commits of the writes the run handed to the store: the run resolves only once they are all in. */
  readonly commits: Array<Promise<unknown>>;
}

let runCount = 0;

/**
 * How many write-queue runs this process has started so far: run numbers only grow. The store notes
 * this when a commit fails, and refuses writes from runs numbered up to it (they may have read what failed).
 */
export function runsStarted(): number {
  return runCount;
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

  /** The number of the run this handle belongs to: the store refuses its writes if a commit failed after the run began. */
  get runNumber(): number {
    return this.held.number;
  }

  /** Keeps the commit of a write handed to the store: the run's caller hears back only once it is in. */
  awaitCommit(commit: Promise<unknown>): void {
    // Handled now: a commit may fail while the task is still at work, before the run waits on it (the
    // run then reports the failure; an unhandled rejection would be a second, misleading report).
    commit.catch(() => undefined);
    this.held.commits.push(commit);
  }
}

/** Whether a run's writes, and those of the runs before it in its guild, were committed: what the next run waits on. */
interface Durability {
  /** Resolves once known, never rejects. */
  settled: Promise<void>;
  /** Set when a commit failed, with the number of the last run started by then. */
  failure?: { readonly error: unknown; readonly at: number };
}

/**
 * One ordered writer per guild (keyv has no transactions). Every read-modify-write for a
 * guild runs here, one after another, so concurrent clicks never lose an update; the task gets the
 * guild's {@link GuildWrite}, without which no store writes. Different guilds run in parallel. Runs
 * nest: a step given the handle of the run it is part of (`within`) goes on in that run, in place, so
 * one member action can check, write, link and record as one run through the services it composes.
 *
 * Runs are pipelined over the group commit: the next run of a guild starts as soon as the task before
 * it has handed its writes over (the store serves them to readers from then on, and commits them in
 * the order they were handed), while each run's caller hears back only once its own writes, and those
 * of every run before it in the guild, are committed. So twenty members of one circle checking in at
 * once wait for one or two commits, not twenty in a row, and nobody is told of a change that is not
 * yet stored. When a commit fails, the runs after it that may have read what failed fail too (the
 * store refuses their writes; one that wrote nothing fails here).
 *
 * Nesting is explicit, not found from the async context: AsyncLocalStorage would do it, but on Node 20
 * it puts a hook on every promise the process makes, which about doubled the CPU of a check-in.
 */
export class GuildWriteQueue {
  /** Per guild, the last task queued: resolves when it has ended (its writes handed over, not yet committed). */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly durables = new Map<string, Durability>();
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
    const previous = this.tails.get(guildId) ?? Promise.resolve();
    const before = this.durables.get(guildId);
    let ended!: () => void;
    const tail = new Promise<void>((resolve) => (ended = resolve));
    const durability: Durability = { settled: tail };
    const result = previous.then(async () => {
      // Within another guild's run, this one holds that guild too, so a step back into it goes on in place.
      runCount += 1;
      const held: Held = { guildIds: new Set([...(holding?.open ? holding.guildIds : []), guildId]), open: true, number: runCount, commits: [] };
      const finish = () => {
        held.open = false;
        const committed = bothCommitted(held, before);
        durability.settled = committed.then(
          () => undefined,
          (error: unknown) => {
            durability.failure = { error, at: runCount };
          },
        );
        ended();
        return committed;
      };
      let value: T;
      try {
        value = await task(grant(guildId, held));
      } catch (error) {
        // The task's own error is what the caller hears (its commits are still waited on by the next run).
        void finish();
        throw error;
      }
      await finish();
      return value;
    });
    this.tails.set(guildId, tail);
    this.durables.set(guildId, durability);
    // Over once the caller has heard back and the run's writes are committed (a task that threw still
    // has its commits waited on): only then is the guild's durability no longer needed by later runs.
    const settled = result.then(
      () => durability.settled,
      () => durability.settled,
    );
    this.inFlight.add(settled);
    void settled.then(() => {
      this.inFlight.delete(settled);
      if (this.tails.get(guildId) === tail) this.tails.delete(guildId);
      if (this.durables.get(guildId) === durability) this.durables.delete(guildId);
    });
    return result;
  }

  /** Stops taking new writes and waits for every queued one to finish and be committed (graceful shutdown). */
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

/**
 * Resolves once the run's own writes and everything before it in the guild are committed; rejects if
 * its own failed, or if an earlier one failed after this run began (it may have read what was lost).
 */
async function bothCommitted(held: Held, before: Durability | undefined): Promise<void> {
  await Promise.all(held.commits);
  if (!before) return;
  await before.settled;
  if (before.failure && before.failure.at >= held.number) throw before.failure.error;
}
