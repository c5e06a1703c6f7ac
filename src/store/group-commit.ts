import Keyv from 'keyv';
import { runsStarted } from './guild-write-queue.ts';

/**
 * What the bot holds of its store, whatever the database: keyv over one table of string keys and JSON
 * values. Every write, whatever its guild, goes through one {@link GroupCommitWriter}, which commits
 * the writes that arrive together in one transaction.
 */
export interface Store {
  readonly keyv: Keyv;
  /** Resolves once the database is open and the table exists. */
  ready(): Promise<void>;
  /** Waits for the writes already handed over to be committed, then closes. */
  close(): Promise<void>;
  /**
   * The stored keys that start with `prefix` (keys as keyv takes them, without the `hc:` namespace), in
   * no particular order, read on the reading connection: committed rows only. How a set kept as one
   * key per member is listed (a {@link GuildIndex}), so that writers never rewrite a shared list.
   */
  keysStartingWith(prefix: string): Promise<string[]>;
  /**
   * Hands `value` to the group commit under `key` now, in order, as keyv would store it (its reads see
   * it at once); resolves once committed. `run` is the number of the write-queue run handing it over:
   * refused, by throwing at once, if a commit failed after that run began (or the store is closed).
   */
  put(key: string, value: unknown, run: number): Promise<void>;
  /** Hands the deletion of `keys` over now ({@link put}); resolves, once committed, with whether any was there. */
  remove(keys: readonly string[], run: number): Promise<boolean>;
  /**
   * Calls `listener` when a commit fails: the writes handed over since the last commit are dropped, so
   * whatever was kept in memory from them (the stores' caches) must be forgotten.
   */
  onRollback(listener: () => void): void;
  /** How many commits have failed so far: a read begun before a failure may hold what it dropped. */
  readonly rollbacks: number;
}

/** Rows of the table whose key starts with the given text (the namespace included): each database's own query. */
export type KeysStartingWith = (rowPrefix: string) => Promise<string[]>;

const NAMESPACE = 'hc';

/**
 * The Store both databases give: keyv over their adapter, a ping, a listing by key prefix (`keysFrom`,
 * the database's own query), and a close that first commits the writes already handed over, then
 * `release`s the connections (once, however often close is called).
 */
export function storeOver(
  adapter: NonNullable<ConstructorParameters<typeof Keyv>[0]>['store'] & { query(sql: string): Promise<unknown> },
  writer: GroupCommitWriter,
  release: () => Promise<void>,
  keysFrom: KeysStartingWith,
): Store {
  let closing: Promise<void> | undefined;
  const namespaced = `${NAMESPACE}:`;
  return {
    keyv: keyvOver(adapter),
    async ready() {
      await adapter.query('SELECT 1');
    },
    async keysStartingWith(prefix) {
      const rowPrefix = `${namespaced}${prefix}`;
      // Pending before the query too: a write committed while it ran is in neither its rows nor what is
      // pending after it.
      const before = writer.pendingUnder(rowPrefix);
      const rows = await keysFrom(rowPrefix);
      const keys = new Set(rows);
      for (const pending of [before, writer.pendingUnder(rowPrefix)]) {
        for (const [key, present] of pending) {
          if (present) keys.add(key);
          else keys.delete(key);
        }
      }
      return [...keys].map((key) => key.slice(namespaced.length));
    },
    put(key, value, run) {
      // The text keyv itself stores (see keyvOver): `{"value": ...}`, with no expiry.
      return writer.set(`${namespaced}${key}`, JSON.stringify({ value }), run).then(() => undefined);
    },
    remove(keys, run) {
      // Handed over now (or refused now, by throwing), like put; the promise is the commit's.
      const deleted = keys.map((key) => writer.delete(`${namespaced}${key}`, run));
      return Promise.all(deleted).then((each) => each.some(Boolean));
    },
    onRollback(listener) {
      writer.onRollback(listener);
    },
    get rollbacks() {
      return writer.rollbacks;
    },
    close() {
      closing ??= (async () => {
        try {
          await writer.close();
        } finally {
          await release();
        }
      })();
      return closing;
    },
  };
}

/** keyv as both stores use it: the `hc` namespace, errors thrown, plain JSON. */
function keyvOver(adapter: NonNullable<ConstructorParameters<typeof Keyv>[0]>['store']): Keyv {
  // keyv swallows storage errors by default (a failed write just returns false); we want them thrown,
  // so a handler fails loudly instead of telling a member something was saved when it was not.
  const keyv = new Keyv({
    store: adapter,
    namespace: NAMESPACE,
    throwOnErrors: true,
    // Everything stored is plain JSON (no Buffers or BigInts), so plain JSON is enough, and several
    // times faster than keyv's default, which revives every value (measured: 512 ms against 272 ms to
    // read 200,000 ledger events). The stored text stays the same JSON either way.
    serialize: (data) => JSON.stringify(data),
    deserialize: (text) => JSON.parse(text) as ReturnType<typeof JSON.parse>,
  });
  // The same errors are also emitted as events; they reach the caller as exceptions, so the event
  // needs no second handling, but it must have a listener so it cannot crash the process.
  keyv.on('error', () => undefined);
  return keyv;
}

/** An adapter's `get`, serving a write still being committed before asking the database (`read`). */
export function getThrough(writer: GroupCommitWriter, key: string, read: (key: string) => Promise<unknown>): Promise<unknown> {
  const pending = writer.pendingValue(key);
  return pending ? Promise.resolve(pending.value) : read(key);
}

/** An adapter's `getMany`, as {@link getThrough}: the database is asked only for the keys with nothing pending. */
export async function getManyThrough(writer: GroupCommitWriter, keys: string[], readMany: (keys: string[]) => Promise<unknown[]>): Promise<unknown[]> {
  const pending = keys.map((key) => writer.pendingValue(key));
  if (pending.every((each) => each === null)) return readMany(keys);
  const unknown = keys.filter((_, index) => pending[index] === null);
  const read = unknown.length > 0 ? await readMany(unknown) : [];
  let next = 0;
  return pending.map((each) => (each ? each.value : read[next++]));
}

/** Runs one statement; `values` are bound to its placeholders in order. Resolves with the rows. */
export type Query = (sql: string, values?: readonly unknown[]) => Promise<unknown>;

/** How the group-commit writer talks to one database: SQLite and PostgreSQL differ only here. */
export interface WriterSql {
  /** Runs one statement on its own: a transaction of its own. */
  readonly query: Query;
  /**
   * Runs `work` in one transaction on one connection: committed when it resolves (the promise resolves
   * after COMMIT), rolled back when it throws (and the error rethrown).
   */
  transaction<T>(work: (query: Query) => Promise<T>): Promise<T>;
  /** The placeholder for the `n`th bound value (from 1): `?` in SQLite, `$n` in PostgreSQL. */
  mark(n: number): string;
}

/** SQLite through one connection's `query`: BEGIN IMMEDIATE takes the write lock at once. */
export function sqliteWriterSql(query: Query): WriterSql {
  return {
    query,
    async transaction(work) {
      await query('BEGIN IMMEDIATE');
      try {
        const result = await work(query);
        await query('COMMIT');
        return result;
      } catch (error) {
        // A failed statement may already have ended the transaction; then there is nothing to roll back.
        await query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    mark: () => '?',
  };
}

/**
 * A write refused because an earlier one failed to commit while it was being prepared (it may build on
 * what was lost). Like the failure itself, a moment's trouble: the member can simply try again.
 */
export class EarlierWriteFailed extends Error {
  override readonly name = 'EarlierWriteFailed';

  constructor(cause?: unknown) {
    super('An earlier write could not be committed, so this one, prepared alongside it, was not stored either.', { cause });
  }
}

type Write =
  | { readonly kind: 'set'; readonly key: string; readonly value: string }
  | { readonly kind: 'delete'; readonly key: string }
  | { readonly kind: 'clear'; readonly pattern: string };

interface Pending {
  readonly write: Write;
  resolve(result: boolean): void;
  reject(error: unknown): void;
}

/** Rows per INSERT or DELETE statement (two bound values a row; SQLite allows 32,766, PostgreSQL 65,535). */
const ROWS_PER_STATEMENT = 500;

/**
 * Group commit. Writes handed over in the same turn of the event loop, or while a transaction is
 * being committed, are written together in ONE transaction, in the order they were handed
 * over; each write's promise resolves only after that transaction committed (SQLite in WAL with
 * synchronous=NORMAL, and PostgreSQL, have a commit in their log before COMMIT returns, so killing the
 * process loses no resolved write),
 * and if the transaction fails, every write in it is rejected with the error and none of them is kept.
 * There is no timer: a lone write is committed at once; under load each transaction carries what
 * arrived while the previous one was committing, so the cost of a commit is shared by all of them.
 *
 * From the moment a write is handed over until it is committed, reads through the store see it (the
 * adapters ask {@link pendingValue} first): a guild's next write-queue run may start before the last
 * one's commit, and must read what it wrote. When a transaction fails, the writes handed over after it
 * (which may build on it) are rejected too, nothing uncommitted is served any more, the rollback
 * listeners forget what they cached, and writes from runs that began before the failure are refused.
 */
export class GroupCommitWriter {
  private queued: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  private readonly sql: WriterSql;
  /** Per key, its last write handed over and not yet committed: what reads are served. */
  private readonly pending = new Map<string, Write>();
  /** LIKE patterns (`prefix%`) of clears handed over and not yet committed. */
  private readonly pendingClears: string[] = [];
  private readonly rollbackListeners: Array<() => void> = [];
  /** Writes from write-queue runs numbered up to this are refused: those runs began before a commit failed. */
  private refusedUpTo = 0;
  /** What the last failed commit failed with: the cause given to the writes refused after it. */
  private lastFailure: unknown;
  private failedCommits = 0;

  /**
   * `database` is an SQLite connection's `query`, or a {@link WriterSql}; `table` may be schema-qualified.
   * `fence`, when given, runs inside every transaction just before COMMIT and throws to refuse it (the
   * shard leases of src/store/shard-leases.ts: a process that lost its shards commits nothing).
   */
  constructor(
    database: Query | WriterSql,
    private readonly table: string,
    private readonly fence?: (query: Query) => Promise<void>,
  ) {
    this.sql = typeof database === 'function' ? sqliteWriterSql(database) : database;
  }

  /** `run`: the write-queue run handing it over, if any (see {@link GroupCommitWriter}). */
  set(key: string, value: string, run?: number): Promise<boolean> {
    return this.hand({ kind: 'set', key, value }, run);
  }

  /** Resolves with whether the key was there. */
  delete(key: string, run?: number): Promise<boolean> {
    return this.hand({ kind: 'delete', key }, run);
  }

  /** Deletes every key matching the LIKE pattern (`prefix%`). */
  async clear(pattern: string): Promise<void> {
    await this.hand({ kind: 'clear', pattern });
  }

  /**
   * What a read of `key` must return while writes to it are still being committed: the text last
   * handed over, or undefined for a deletion; null when nothing is pending for it (read the database).
   */
  pendingValue(key: string): { readonly value: string | undefined } | null {
    const write = this.pending.get(key);
    if (write?.kind === 'set') return { value: write.value };
    if (write?.kind === 'delete') return { value: undefined };
    return this.pendingClears.some((pattern) => key.startsWith(pattern.slice(0, -1))) ? { value: undefined } : null;
  }

  /** Keys starting with `prefix` that have a write pending: whether each will be there once it is committed. */
  pendingUnder(prefix: string): Map<string, boolean> {
    const pending = new Map<string, boolean>();
    for (const [key, write] of this.pending) if (key.startsWith(prefix)) pending.set(key, write.kind === 'set');
    return pending;
  }

  onRollback(listener: () => void): void {
    this.rollbackListeners.push(listener);
  }

  /** How many transactions have failed (and been rolled back) so far. */
  get rollbacks(): number {
    return this.failedCommits;
  }

  /** Commits what was handed over (writes begun in this turn of the event loop too), then refuses new writes. */
  async close(): Promise<void> {
    // keyv hands a set over only after serializing it, a few microtasks after the caller's call.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.closed = true;
    while (this.flushing) await this.flushing;
  }

  /**
   * Throws at once, not in the promise, when the write cannot be taken (the store closed, or the run
   * began before a commit failed): the caller must not go on to treat it as handed over (cache it).
   */
  private hand(write: Write, run?: number): Promise<boolean> {
    if (this.closed) throw new Error('The store is closed; no new writes are accepted.');
    if (run !== undefined && run <= this.refusedUpTo) throw new EarlierWriteFailed(this.lastFailure);
    if (write.kind === 'clear') {
      const prefix = write.pattern.slice(0, -1);
      for (const key of this.pending.keys()) if (key.startsWith(prefix)) this.pending.delete(key);
      this.pendingClears.push(write.pattern);
    } else {
      this.pending.set(write.key, write);
    }
    return new Promise<boolean>((resolve, reject) => {
      this.queued.push({ write, resolve, reject });
      this.flushing ??= this.flushSoon();
    });
  }

  /** Lets the current turn of the event loop hand over its writes, then commits until none is left. */
  private async flushSoon(): Promise<void> {
    try {
      while (this.queued.length > 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.queued;
        this.queued = [];
        await this.commit(batch);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async commit(batch: readonly Pending[]): Promise<void> {
    let results: boolean[];
    try {
      results = await this.write(batch.map((pending) => pending.write));
    } catch (error) {
      this.rollBack(batch, error);
      return;
    }
    for (const { write } of batch) {
      if (write.kind === 'clear') this.pendingClears.splice(this.pendingClears.indexOf(write.pattern), 1);
      else if (this.pending.get(write.key) === write) this.pending.delete(write.key);
    }
    for (const [index, pending] of batch.entries()) pending.resolve(results[index]!);
  }

  /**
   * A failed transaction: its writes, and every write handed over since (it may build on them), are
   * rejected and served no more; caches are dropped; runs begun so far may write no more.
   */
  private rollBack(batch: readonly Pending[], error: unknown): void {
    const after = this.queued;
    this.queued = [];
    this.pending.clear();
    this.pendingClears.length = 0;
    this.refusedUpTo = runsStarted();
    this.lastFailure = error;
    this.failedCommits += 1;
    for (const listener of this.rollbackListeners) listener();
    for (const pending of batch) pending.reject(error);
    const refused = new EarlierWriteFailed(error);
    for (const pending of after) pending.reject(refused);
  }

  /**
   * Writes the batch in one transaction; resolves with each write's result. Only the last write to a
   * key reaches the database; a delete's result (was the key there?) follows from the writes before it in
   * the batch, or, for a key the batch has not touched yet, from the table.
   */
  private async write(writes: readonly Write[]): Promise<boolean[]> {
    // A clear is rare (never used by the bot): it ends the statements before it, runs on its own, then
    // the rest follows, all in the same transaction.
    const segments: Write[][] = [[]];
    for (const write of writes) {
      if (write.kind === 'clear') segments.push([write], []);
      else segments.at(-1)!.push(write);
    }
    const plans = segments.filter((segment) => segment.length > 0).map((segment) => plan(segment));
    const statements = plans.reduce((count, each) => count + each.statements, 0);
    // One statement is a transaction of its own; several need BEGIN ... COMMIT, and so does a fenced one.
    const all = async (query: Query) => {
      const results: boolean[] = [];
      for (const each of plans) results.push(...(await this.run(query, each)));
      if (this.fence) await this.fence(query);
      return results;
    };
    return statements > 1 || this.fence ? this.sql.transaction(all) : all(this.sql.query);
  }

  private async run(query: Query, each: Plan): Promise<boolean[]> {
    const marks = (count: number, from = 1) => Array.from({ length: count }, (_, index) => this.sql.mark(from + index)).join(', ');
    if (each.clear !== undefined) {
      await query(`DELETE FROM ${this.table} WHERE key LIKE ${marks(1)}`, [each.clear]);
      return [true];
    }
    const present = new Set<string>();
    for (const keys of chunks(each.lookups)) {
      const rows = (await query(`SELECT key FROM ${this.table} WHERE key IN (${marks(keys.length)})`, keys)) as Array<{ key: string }>;
      for (const row of rows) present.add(row.key);
    }
    for (const rows of chunks(each.upserts)) {
      const values = rows.map((_, index) => `(${marks(2, 2 * index + 1)})`).join(', ');
      await query(`INSERT INTO ${this.table} (key, value) VALUES ${values} ON CONFLICT (key) DO UPDATE SET value = excluded.value`, rows.flat());
    }
    for (const keys of chunks(each.deletes)) {
      const rows = (await query(`DELETE FROM ${this.table} WHERE key IN (${marks(keys.length)}) RETURNING key`, keys)) as Array<{ key: string }>;
      for (const row of rows) present.add(row.key);
    }
    return each.results(present);
  }
}

interface Plan {
  /** A clear's LIKE pattern: the plan is that clear alone. */
  readonly clear?: string;
  /** Keys whose presence before the batch decides a delete's result but that end up set. */
  readonly lookups: readonly string[];
  readonly upserts: ReadonlyArray<readonly [string, string]>;
  /** Keys whose last write in the batch is a delete. */
  readonly deletes: readonly string[];
  readonly statements: number;
  /** Each write's result, given which keys were present before the batch (of those that matter). */
  results(presentBefore: ReadonlySet<string>): boolean[];
}

function plan(writes: readonly Write[]): Plan {
  const [first] = writes;
  if (first?.kind === 'clear') {
    return { clear: first.pattern, lookups: [], upserts: [], deletes: [], statements: 1, results: () => [true] };
  }
  const firstKind = new Map<string, Write['kind']>();
  const last = new Map<string, Write>();
  for (const write of writes) {
    if (write.kind === 'clear') continue;
    if (!firstKind.has(write.key)) firstKind.set(write.key, write.kind);
    // Re-inserted, so the map keeps the order of last writes (the order rows are written in).
    last.delete(write.key);
    last.set(write.key, write);
  }
  const upserts: Array<readonly [string, string]> = [];
  const deletes: string[] = [];
  for (const write of last.values()) {
    if (write.kind === 'set') upserts.push([write.key, write.value]);
    else if (write.kind === 'delete') deletes.push(write.key);
  }
  // A delete's result needs the key's presence before the batch only when the key's first write is
  // that delete; if the key is deleted last, DELETE ... RETURNING tells it, otherwise a SELECT must.
  const lookups = [...firstKind].filter(([key, kind]) => kind === 'delete' && last.get(key)?.kind === 'set').map(([key]) => key);
  const count = (length: number) => Math.ceil(length / ROWS_PER_STATEMENT);
  return {
    lookups,
    upserts,
    deletes,
    statements: count(lookups.length) + count(upserts.length) + count(deletes.length),
    results(presentBefore) {
      const present = new Map<string, boolean>();
      return writes.map((write) => {
        if (write.kind === 'clear') return true;
        const was = present.get(write.key) ?? presentBefore.has(write.key);
        present.set(write.key, write.kind === 'set');
        return write.kind === 'set' ? true : was;
      });
    },
  };
}

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += ROWS_PER_STATEMENT) result.push(items.slice(index, index + ROWS_PER_STATEMENT));
  return result;
}
