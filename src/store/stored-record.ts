import type { z } from 'zod';
import type { GuildWrite } from './guild-write-queue.ts';
import type { Store } from './sqlite-store.ts';

/**
 * What is reported about a stored record that failed its schema: where it is and which checks failed,
 * never what it holds (records hold members' words).
 */
export interface CorruptRecord {
  readonly key: string;
  /** Each failed check as `<path>: <zod issue code>`, for example `offers.0.giverId: invalid_type`. */
  readonly issues: readonly string[];
  /**
   * What the store did instead of failing: read the record as absent, kept a list's valid items and
   * left out the rest, or rebuilt it from what it is derived from (a ledger day's tallies).
   */
  readonly outcome: 'read-as-absent' | 'items-left-out' | 'rebuilt';
}

export type CorruptRecordReporter = (record: CorruptRecord) => void;

/**
 * Reporters are held by store rather than handed to each repository: every repository is already given
 * the store, so the one place that opens it (app.ts) decides where reports go for all of them.
 */
const reporters = new WeakMap<Store, CorruptRecordReporter>();

/** Where reports of corrupt records read from `store` go (the bot's logger; a list in tests). */
export function reportCorruptRecords(store: Store, reporter: CorruptRecordReporter): void {
  reporters.set(store, reporter);
}

/** Without a reporter (scripts, benchmarks), a report still reaches standard error rather than nowhere. */
const toStandardError: CorruptRecordReporter = (record) => {
  process.stderr.write(`${JSON.stringify({ level: 'warn', msg: 'a stored record failed its schema', ...record })}\n`);
};

export function reportCorrupt(store: Store, record: CorruptRecord): void {
  (reporters.get(store) ?? toStandardError)(record);
}

/** Issues are capped so one badly broken list cannot flood the log. */
const MAX_ISSUES = 20;

/** Zod issues as paths and codes only: a zod message may quote what it expected, never what it found, but the code is all a reader needs. */
export function issuePaths(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  return issues.slice(0, MAX_ISSUES).map((issue) => `${[...prefix, ...issue.path].map(String).join('.') || '(root)'}: ${issue.code}`);
}

/** A stored value decoded into the shape this release works with, and what was wrong on the way. */
export interface Decoded<T> {
  /** Undefined when the record is unusable as a whole. */
  readonly value: T | undefined;
  /** Empty when the record was sound. */
  readonly issues: readonly string[];
  /** The version the record was stored in (1 for records without `v`), when it could be told. */
  readonly version?: number;
}

/**
 * How one kind of record is stored and read back. Every read goes through `read`, so nothing reaches a
 * service without passing its schema; every write goes through `write`.
 */
export abstract class RecordKind<T> {
  /** The version records of this kind are written in. */
  abstract readonly version: number;
  abstract read(raw: unknown): Decoded<T>;
  abstract write(value: T): unknown;
}

/** One older version of an object record: its schema, and the pure function that lifts it to the next version. */
export interface OlderVersion<Old, Next> {
  readonly schema: z.ZodType<Old>;
  readonly upgrade: (older: Old) => Next;
}

/** Types each migration step on its own; the chain's end-to-end shape is checked by the migration tests. */
export function olderVersion<Old, Next>(schema: z.ZodType<Old>, upgrade: (older: Old) => Next): OlderVersion<unknown, unknown> {
  return { schema, upgrade } as OlderVersion<unknown, unknown>;
}

const isPlainObject = (raw: unknown): raw is Record<string, unknown> => typeof raw === 'object' && raw !== null && !Array.isArray(raw);

/**
 * A JSON object record that carries its schema version inline: `{ "v": 2, ...fields }`. A record
 * without `v` is version 1 (what releases before versions wrote). An older record is read through its
 * own schema and lifted by each migration in turn; one from a newer release (a `v` this release does
 * not know) is corrupt as far as this release can tell.
 *
 * `older[0]` is version 1, `older[1]` version 2, and so on; the current version is `older.length + 1`.
 */
export class VersionedRecord<T extends object> extends RecordKind<T> {
  readonly version: number;

  constructor(
    private readonly current: z.ZodType<T>,
    private readonly older: readonly OlderVersion<unknown, unknown>[] = [],
  ) {
    super();
    this.version = older.length + 1;
  }

  read(raw: unknown): Decoded<T> {
    if (!isPlainObject(raw)) return { value: undefined, issues: ['(root): invalid_type'] };
    const version = raw.v === undefined ? 1 : raw.v;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > this.version) {
      return { value: undefined, issues: ['v: unknown_version'] };
    }
    if (version === this.version) {
      // Zod objects drop keys they do not declare, `v` among them.
      const parsed = this.current.safeParse(raw);
      return parsed.success ? { value: parsed.data, issues: [], version } : { value: undefined, issues: issuePaths(parsed.error.issues), version };
    }
    const step = this.older[version - 1]!;
    const parsed = step.schema.safeParse(raw);
    if (!parsed.success) return { value: undefined, issues: issuePaths(parsed.error.issues), version };
    let value = step.upgrade(parsed.data);
    for (const next of this.older.slice(version)) value = next.upgrade(value);
    return { value: value as T, issues: [], version };
  }

  write(value: T): unknown {
    return { v: this.version, ...value };
  }
}

/**
 * A JSON list whose items are checked one by one: an item that fails its schema is left out and
 * reported, the others are kept, so one bad entry never hides a guild's whole list. Lists carry no
 * version (a bare JSON array is version 1); a list that changes shape becomes a versioned object.
 */
export class ListRecord<Item> extends RecordKind<Item[]> {
  readonly version = 1;

  constructor(private readonly item: z.ZodType<Item>) {
    super();
  }

  /** One item through the item schema; a list whose items have several schemas chooses here. */
  protected parseItem(entry: unknown): z.ZodSafeParseResult<Item> {
    return this.item.safeParse(entry);
  }

  read(raw: unknown): Decoded<Item[]> {
    if (!Array.isArray(raw)) return { value: undefined, issues: ['(root): invalid_type'] };
    const items: Item[] = [];
    const issues: string[] = [];
    raw.forEach((entry, index) => {
      const parsed = this.parseItem(entry);
      if (parsed.success) items.push(parsed.data);
      else if (issues.length < MAX_ISSUES) issues.push(...issuePaths(parsed.error.issues, [index]));
    });
    return { value: items, issues: issues.slice(0, MAX_ISSUES), version: 1 };
  }

  write(value: Item[]): unknown {
    return value;
  }
}

/** A record stored exactly as its schema describes it (a string, a number), with no version. */
export class PlainRecord<T> extends RecordKind<T> {
  readonly version = 1;

  constructor(private readonly schema: z.ZodType<T>) {
    super();
  }

  read(raw: unknown): Decoded<T> {
    const parsed = this.schema.safeParse(raw);
    return parsed.success ? { value: parsed.data, issues: [], version: 1 } : { value: undefined, issues: issuePaths(parsed.error.issues) };
  }

  write(value: T): unknown {
    return value;
  }
}

/** A read before anything is reported: absent, or found with what could be used of it and what was wrong. */
export type Checked<T> =
  | { readonly found: false }
  | { readonly found: true; readonly value: T | undefined; readonly issues: readonly string[]; readonly version?: number | undefined };

const ABSENT = { found: false } as const;

/**
 * keyv throws a SyntaxError when a stored text is not JSON at all (a torn or hand-edited row). That is
 * a corrupt record like any other; a storage failure (a closed or busy database) still throws.
 */
const NOT_JSON = { found: true, value: undefined, issues: ['(root): not_json'] } as const;

const check = <T>(raw: unknown, kind: RecordKind<T>): Checked<T> => {
  if (raw === undefined) return ABSENT;
  const { value, issues, version } = kind.read(raw);
  return { found: true, value, issues, version };
};

/** Reads one record through its kind without reporting (for a caller that repairs what it finds). */
export async function readChecked<T>(store: Store, key: string, kind: RecordKind<T>): Promise<Checked<T>> {
  try {
    return check(await store.keyv.get(key), kind);
  } catch (error) {
    if (error instanceof SyntaxError) return NOT_JSON;
    throw error;
  }
}

/** {@link readChecked} for many keys in one query. */
export async function readManyChecked<T>(store: Store, keys: readonly string[], kind: RecordKind<T>): Promise<Array<Checked<T>>> {
  if (keys.length === 0) return [];
  let raws: unknown[];
  try {
    raws = await store.keyv.getMany([...keys]);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // One unreadable text fails the whole query: read one by one to find it and keep the others.
    return Promise.all(keys.map((key) => readChecked(store, key, kind)));
  }
  return raws.map((raw) => check(raw, kind));
}

/** Reports what was wrong with a checked read (if anything) and hands back what can be used. */
export function accept<T>(store: Store, key: string, checked: Checked<T>): T | undefined {
  if (!checked.found) return undefined;
  if (checked.issues.length > 0) {
    reportCorrupt(store, { key, issues: checked.issues, outcome: checked.value === undefined ? 'read-as-absent' : 'items-left-out' });
  }
  return checked.value;
}

/** Reads one record through its kind. Absent, and reported, when it fails its schema. */
export async function readRecord<T>(store: Store, key: string, kind: RecordKind<T>): Promise<T | undefined> {
  return accept(store, key, await readChecked(store, key, kind));
}

/** Reads many records of one kind in one query; each corrupt one is reported and read as absent. */
export async function readRecords<T>(store: Store, keys: readonly string[], kind: RecordKind<T>): Promise<Array<T | undefined>> {
  return (await readManyChecked(store, keys, kind)).map((checked, index) => accept(store, keys[index]!, checked));
}

/**
 * Writes one record of the handle's guild in its kind's current shape and version. The handle comes
 * only from the guild's write queue, and the key must be that guild's (else this throws, writing nothing).
 * The write is handed to the store at once (reads see it from now on); the run it belongs to answers
 * its caller only once it is committed.
 */
export async function writeRecord<T>(store: Store, tx: GuildWrite, key: string, kind: RecordKind<T>, value: T): Promise<void> {
  tx.assertWritable(key);
  tx.awaitCommit(store.put(key, kind.write(value), tx.runNumber));
}

/**
 * Deletes one record of the handle's guild (checked as {@link writeRecord}); true when it was there.
 * Whether it was there is known once committed, so this waits for the commit.
 */
export async function deleteRecord(store: Store, tx: GuildWrite, key: string): Promise<boolean> {
  return deleteRecords(store, tx, [key]);
}

/** Deletes records of the handle's guild (checked as {@link writeRecord}); true when any was there, once committed. */
export async function deleteRecords(store: Store, tx: GuildWrite, keys: readonly string[]): Promise<boolean> {
  for (const key of keys) tx.assertWritable(key);
  const deleted = store.remove(keys, tx.runNumber);
  tx.awaitCommit(deleted);
  return deleted;
}
