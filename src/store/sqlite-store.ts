import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import type { StoredData } from 'keyv';
import { getManyThrough, getThrough, GroupCommitWriter, storeOver, type Store } from './group-commit.ts';
import { isPostgresUrl, openPostgresStore } from './postgres-store.ts';

export { GroupCommitWriter, type Store } from './group-commit.ts';

/**
 * The store: keyv over one table, string keys, JSON values. Embedded in SQLite (one process), or in
 * PostgreSQL (src/store/postgres-store.ts, shared by several processes): the same keys and values.
 * Writes for one guild go through that guild's {@link GuildWriteQueue}; every write, whatever its
 * guild, then goes through one {@link GroupCommitWriter}, which commits the writes that arrive
 * together in one transaction.
 */
export async function openStore(storeUrl: string): Promise<Store> {
  if (isPostgresUrl(storeUrl)) return openPostgresStore(storeUrl);
  if (storeUrl.startsWith(SQLITE_PREFIX)) return openSqliteStore(storeUrl);
  throw new Error(`STORE_URL must start with ${SQLITE_PREFIX}, postgresql:// or postgres://`);
}

const SQLITE_PREFIX = 'sqlite://';
const BUSY_TIMEOUT_MS = 5_000;

/** The file a `sqlite://path` URL names, resolved against the working directory (`:memory:` stays as is). */
export function sqliteFileOf(storeUrl: string): string {
  const path = storeUrl.slice(SQLITE_PREFIX.length);
  return path === ':memory:' ? path : resolve(path);
}

async function openSqliteStore(storeUrl: string): Promise<Store> {
  const file = sqliteFileOf(storeUrl);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const lock = file === ':memory:' ? undefined : lockForOneProcess(file);

  // Two connections to the one file: keyv's adapter reads, a second one only writes (the group
  // commit). In WAL mode readers never wait for the writer and only ever see committed data, so a
  // read cannot see a write whose transaction is still open, and sees every write once committed.
  // An in-memory database is private to its connection, so there the one connection does both.
  // A busy timeout lets a second process (a CLI, a backup) read without failing our writes.
  const uri = `${SQLITE_PREFIX}${file}`;
  let writing: KeyvSqlite | undefined;
  let checkpointing: KeyvSqlite | undefined;
  const adapter: GroupCommitSqlite = new GroupCommitSqlite({ uri, busyTimeout: BUSY_TIMEOUT_MS }, (): GroupCommitWriter => writer);
  try {
    // WAL: several times faster writes with the same safety for a process kill (measured when the store was chosen).
    // synchronous=NORMAL is the documented pairing: a commit survives a crash of the process.
    await adapter.query('PRAGMA journal_mode = WAL');
    await adapter.query('PRAGMA synchronous = NORMAL');
    if (file !== ':memory:') {
      writing = new KeyvSqlite({ uri, busyTimeout: BUSY_TIMEOUT_MS });
      // synchronous is per connection: the connection that commits must have it.
      await writing.query('PRAGMA synchronous = NORMAL');
      // The committing connection would otherwise copy the log into the database file itself, every
      // 1,000 pages, inside a commit: that commit, and every member waiting on it, would wait for the
      // copy and its sync. A third connection does it in the background instead (see below).
      await writing.query('PRAGMA wal_autocheckpoint = 0');
      checkpointing = new KeyvSqlite({ uri, busyTimeout: BUSY_TIMEOUT_MS });
      await checkpointing.query('PRAGMA synchronous = NORMAL');
    }
  } catch (error) {
    await Promise.allSettled([writing?.close(), checkpointing?.close()]);
    lock?.release();
    throw error;
  }
  const checkpoints = checkpointing && checkpointInBackground(checkpointing);
  const table = adapter.opts.table ?? 'keyv';
  const writer: GroupCommitWriter = new GroupCommitWriter(writing?.query ?? adapter.query, table);
  return storeOver(
    adapter,
    writer,
    async () => {
      try {
        await checkpoints?.stop();
        // Each closed whatever becomes of the others; the first failure is reported.
        const closed = await Promise.allSettled([writing?.close(), checkpointing?.close()]);
        const last = await Promise.allSettled([adapter.close()]);
        const failed = [...closed, ...last].find((outcome) => outcome.status === 'rejected');
        if (failed) throw failed.reason;
      } finally {
        lock?.release();
      }
    },
    async (rowPrefix) => {
      // Keys compare byte by byte (BINARY), so the keys with the prefix are one range of the key's index.
      const rows = (await adapter.query(`SELECT key FROM ${table} WHERE key >= ? AND key < ?`, [rowPrefix, justAfter(rowPrefix)])) as Array<{ key: string }>;
      return rows.map((row) => row.key);
    },
  );
}

/** How often the log is copied into the database file, in the background. */
const CHECKPOINT_EVERY_MS = 1_000;

/**
 * Copies the write-ahead log into the database file {@link CHECKPOINT_EVERY_MS} after the last copy
 * ended, on a connection of its own: PASSIVE never waits for (nor blocks) the writer or the readers, so
 * commits never carry the copy. SQLite restarts the log from the start once all of it has been copied,
 * so it stays small. One that fails (the file busy for longer than the timeout) is tried again next time.
 */
function checkpointInBackground(connection: KeyvSqlite): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const next = () => {
    timer = setTimeout(() => {
      running = connection
        .query('PRAGMA wal_checkpoint(PASSIVE)')
        .then(
          () => undefined,
          () => undefined,
        )
        .then(() => {
          if (!stopped) next();
        });
    }, CHECKPOINT_EVERY_MS);
    timer.unref();
  };
  next();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** The first text after every text that starts with `prefix`: its last character, one higher. */
function justAfter(prefix: string): string {
  return `${prefix.slice(0, -1)}${String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)}`;
}

/** Lock files this process holds, with how many of its stores have the file open (a test may open a second one). */
const heldLocks = new Map<string, number>();

/**
 * SQLite serves one process: two bots writing one file would each cache and queue as if alone. A lock
 * file beside the database (`<file>.lock`, holding the process id and host) refuses a second process
 * with a plain message. It is removed when the process's last store on the file closes; one left by a
 * process that died (its id no longer runs on this host) is taken over.
 */
function lockForOneProcess(file: string): { release(): void } {
  const lockFile = `${file}.lock`;
  let released = false;
  const handle = {
    release() {
      if (released) return;
      released = true;
      const count = (heldLocks.get(lockFile) ?? 1) - 1;
      if (count > 0) {
        heldLocks.set(lockFile, count);
        return;
      }
      heldLocks.delete(lockFile);
      try {
        unlinkSync(lockFile);
      } catch {
        // Already gone: nothing to release.
      }
    },
  };
  const held = heldLocks.get(lockFile);
  if (held !== undefined) {
    heldLocks.set(lockFile, held + 1);
    return handle;
  }
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const descriptor = openSync(lockFile, 'wx');
      writeSync(descriptor, `${process.pid} ${hostname()}\n`);
      closeSync(descriptor);
      heldLocks.set(lockFile, 1);
      return handle;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = lockHolder(lockFile);
    if (holder && (holder.host !== hostname() || (holder.pid !== process.pid && isRunning(holder.pid)))) {
      throw new Error(
        `Another Helper Circle process (pid ${holder.pid} on ${holder.host}) is using ${file}. SQLite serves one process: ` +
          'stop the other one, or set STORE_URL to a PostgreSQL database (postgresql://...) to run several (README, "Running at scale").',
      );
    }
    // Left by a process that is gone: take it over (if another process takes it first, the next attempt says so).
    try {
      unlinkSync(lockFile);
    } catch {
      // Removed by whoever takes it over first.
    }
  }
  throw new Error(`Another Helper Circle process is starting on ${file}. SQLite serves one process: run one, or use PostgreSQL to run several.`);
}

function lockHolder(lockFile: string): { pid: number; host: string } | undefined {
  try {
    const [pid, host] = readFileSync(lockFile, 'utf8').trim().split(' ');
    const number = Number(pid);
    return Number.isInteger(number) && number > 0 && host ? { pid: number, host } : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * keyv's SQLite adapter, with every write handed to the group-commit writer, and reads served what is
 * still being committed first: keyv still namespaces the keys and serializes the values, so what is
 * stored is exactly what keyv itself would store.
 */
class GroupCommitSqlite extends KeyvSqlite {
  constructor(
    options: ConstructorParameters<typeof KeyvSqlite>[0],
    private readonly writer: () => GroupCommitWriter,
  ) {
    super(options);
  }

  override get<Value>(key: string): Promise<Value | undefined> {
    return getThrough(this.writer(), key, (unknown) => super.get(unknown)) as Promise<Value | undefined>;
  }

  override getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    return getManyThrough(this.writer(), keys, (unknown) => super.getMany(unknown)) as Promise<Array<StoredData<Value | undefined>>>;
  }

  override set(key: string, value: unknown): Promise<boolean> {
    return this.writer().set(key, String(value));
  }

  override delete(key: string): Promise<boolean> {
    return this.writer().delete(key);
  }

  override async deleteMany(keys: string[]): Promise<boolean> {
    // keyv's contract for deleteMany: true when any of the keys was there.
    const deleted = await Promise.all(keys.map((key) => this.writer().delete(key)));
    return deleted.some(Boolean);
  }

  override clear(): Promise<void> {
    return this.writer().clear(this.namespace ? `${this.namespace}:%` : '%');
  }
}
