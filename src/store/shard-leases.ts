import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Query } from './group-commit.ts';
import { postgresTarget } from './postgres-store.ts';

/**
 * Fencing for several processes on one PostgreSQL store (README, "Running at scale"): no two processes
 * serve the same shard at once, ever. A process holds one PostgreSQL advisory lock per shard it serves,
 * on a connection of its own (not the pool's): the server frees the locks the moment that connection
 * ends, so a process that dies, or whose machine vanishes (TCP keepalives), gives its shards up
 * without anyone's help, and a standby waiting for them takes them over.
 *
 * All or nothing: a process takes every shard of its plan or none (a process serving half its plan
 * would leave guilds of the other half to nobody, or to two). While serving, the connection is checked
 * every few seconds; and each group commit checks, inside its own transaction, that this process still
 * holds every lock (see {@link ShardLeases.fence}), so a process paused past its takeover can never
 * commit a write over the new owner's.
 */
export interface ShardLeaseOptions {
  /** The PostgreSQL STORE_URL: its schema names the deployment, so two in different schemas never collide. */
  readonly storeUrl: string;
  readonly shardIds: readonly number[];
  /**
   * How many shards the deployment has (default 1). Processes of different counts never serve at the
   * same time: a guild's shard depends on the count, so shard 2 of 4 and shard 0 of 2 share guilds. A
   * process whose count differs from the one serving waits as a standby until every process of the
   * other count is gone (a rolling deploy that changes the count).
   */
  readonly shardCount?: number;
  /** How often a standby tries again (default 5 s: a standby takes over well within 30 s). */
  readonly retryMs?: number;
  /** How often the lease connection is checked while serving (default 5 s). */
  readonly healthCheckMs?: number;
  /** Told once when another process holds some of the shards and this one waits. */
  readonly onStandby?: () => void;
  /** Stops waiting (the process is asked to stop while a standby): acquire rejects. */
  readonly signal?: AbortSignal;
}

export interface ShardLeases {
  /** The first key of every lock: derived from the schema. */
  readonly namespace: number;
  readonly shardIds: readonly number[];
  /** The PostgreSQL backend (session) holding the locks: `pg_locks.pid`, and what an operator terminates to force a failover. */
  readonly backendPid: number;
  /** Resolves, once, with the reason when the leases are lost (connection gone, lock gone); never rejects. */
  readonly lost: Promise<Error>;
  /**
   * Run by the group commit inside each transaction, just before COMMIT, on the transaction's own
   * connection: throws (so the transaction rolls back and nothing of it is kept) unless the lease
   * connection still holds every lock. Asked of the server, not of this process's memory.
   */
  fence(query: Query): Promise<void>;
  /** Gives the shards up (graceful stop): the locks go with the connection. */
  release(): Promise<void>;
}

/** What a write is refused with once this process no longer holds its shards. */
export class ShardLeaseLost extends Error {
  constructor(detail: string) {
    super(`This process no longer holds its shards (${detail}); nothing was written, another process serves them now.`);
    this.name = 'ShardLeaseLost';
  }
}

const RETRY_MS = 5_000;
const HEALTH_CHECK_MS = 5_000;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The lock namespace of a deployment: a positive 31-bit number from its schema, so the lock keys read
 * the same in `pg_locks` (as oids) as in `pg_try_advisory_lock` (as int4).
 */
export function leaseNamespace(schema: string): number {
  return createHash('sha256').update(`helper-circle:${schema}`).digest().readUInt32BE(0) & 0x7fffffff;
}

/** The locks of `namespace` and `shardIds` that the session `pid` holds, counted by the server. */
const HELD_SQL =
  "SELECT count(*)::int AS held FROM pg_locks WHERE locktype = 'advisory' AND pid = $1 AND classid = $2::oid AND objid = ANY($3::oid[]) AND objsubid = 2 AND granted";

/**
 * Takes every lease of `shardIds` (ascending, all or nothing), waiting as a standby while another
 * process holds any of them. Resolves once they are all held.
 */
export async function acquireShardLeases(options: ShardLeaseOptions): Promise<ShardLeases> {
  const { connectionString, schema, where } = postgresTarget(options.storeUrl);
  const namespace = leaseNamespace(schema);
  const counts = { namespace: leaseNamespace(`${schema}:shard-count`), count: options.shardCount ?? 1 };
  const shardIds = [...options.shardIds].sort((a, b) => a - b);
  const retryMs = options.retryMs ?? RETRY_MS;
  let standbyTold = false;
  let connection: pg.Client | undefined;
  let firstAttempt = true;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      connection ??= await connect(connectionString);
      if ((await joinCount(connection, counts)) && (await tryAll(connection, namespace, shardIds, counts))) break;
    } catch (error) {
      await connection?.end().catch(() => undefined);
      connection = undefined;
      // Unreachable at start-up: a plain error, as for the store. Later (a standby's connection lost): try again.
      if (firstAttempt) {
        throw new Error(`PostgreSQL at ${where} cannot be used: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
    }
    firstAttempt = false;
    if (!standbyTold) {
      standbyTold = true;
      options.onStandby?.();
    }
    try {
      await wait(retryMs, options.signal);
    } catch (error) {
      await connection?.end().catch(() => undefined);
      throw error;
    }
  }
  return serving(connection, namespace, shardIds, options.healthCheckMs ?? HEALTH_CHECK_MS);
}

/** A connection of its own, with TCP keepalives both ways so a vanished peer is noticed and its locks freed. */
async function connect(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // A check that hangs (a network gone dark) counts as a lost lease rather than waiting forever.
    query_timeout: 10_000,
    application_name: 'helper-circle shard lease',
  });
  // Until `serving` listens, a dropped connection is found by the next attempt's query.
  client.on('error', () => undefined);
  await client.connect();
  try {
    // The server drops the session (and its locks) about 25 s after this machine stops answering.
    await client.query('SET tcp_keepalives_idle = 10');
    await client.query('SET tcp_keepalives_interval = 5');
    await client.query('SET tcp_keepalives_count = 3');
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

/**
 * Joins the processes of this shard count (a shared lock on the count), unless a process of another
 * count holds one: then answers false. The check and the join are one step for all processes (a
 * transaction-level lock), so two processes of different counts can never both join.
 */
async function joinCount(connection: pg.Client, counts: { namespace: number; count: number }): Promise<boolean> {
  await connection.query('BEGIN');
  try {
    // The one-key form (objsubid 1 in pg_locks), so it is never mistaken for a count below.
    await connection.query('SELECT pg_advisory_xact_lock($1::bigint)', [counts.namespace]);
    const { rows } = await connection.query<{ others: number }>(
      "SELECT count(*)::int AS others FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::oid AND objid <> $2::oid AND objsubid = 2 AND granted",
      [counts.namespace, counts.count],
    );
    const joined = rows[0]?.others === 0;
    if (joined) await connection.query('SELECT pg_advisory_lock_shared($1, $2)', [counts.namespace, counts.count]);
    await connection.query('COMMIT');
    return joined;
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Takes the locks in ascending order; if any is held elsewhere, gives back those taken (and the count) and answers false. */
async function tryAll(connection: pg.Client, namespace: number, shardIds: readonly number[], counts: { namespace: number; count: number }): Promise<boolean> {
  const taken: number[] = [];
  for (const shardId of shardIds) {
    const { rows } = await connection.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [namespace, shardId]);
    if (!rows[0]?.locked) {
      for (const id of taken) await connection.query('SELECT pg_advisory_unlock($1, $2)', [namespace, id]);
      await connection.query('SELECT pg_advisory_unlock_shared($1, $2)', [counts.namespace, counts.count]);
      return false;
    }
    taken.push(shardId);
  }
  return true;
}

function serving(connection: pg.Client, namespace: number, shardIds: readonly number[], healthCheckMs: number): ShardLeases {
  const pid = (connection as pg.Client & { processID: number }).processID;
  let released = false;
  let lostReason: Error | undefined;
  let tellLost: (reason: Error) => void = () => undefined;
  const lost = new Promise<Error>((resolve) => {
    tellLost = resolve;
  });
  const lose = (reason: Error) => {
    if (released || lostReason) return;
    lostReason = reason;
    clearInterval(health);
    connection.end().catch(() => undefined);
    tellLost(reason);
  };
  connection.on('error', (error) => lose(new ShardLeaseLost(`the lease connection failed: ${error.message}`)));
  connection.on('end', () => lose(new ShardLeaseLost('the lease connection closed')));
  const health = setInterval(() => {
    connection.query<{ held: number }>(HELD_SQL, [pid, namespace, shardIds]).then(
      ({ rows }) => {
        if (rows[0]?.held !== shardIds.length) lose(new ShardLeaseLost('a shard lock is no longer held'));
      },
      (error: unknown) => lose(new ShardLeaseLost(`the lease check failed: ${error instanceof Error ? error.message : String(error)}`)),
    );
  }, healthCheckMs);
  health.unref();
  return {
    namespace,
    shardIds,
    backendPid: pid,
    lost,
    async fence(query) {
      if (lostReason) throw lostReason;
      const rows = (await query(HELD_SQL, [pid, namespace, shardIds])) as Array<{ held: number }>;
      if (rows[0]?.held !== shardIds.length) {
        const reason = new ShardLeaseLost('its locks are gone');
        lose(reason);
        throw reason;
      }
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(health);
      await connection.end().catch(() => undefined);
    },
  };
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
