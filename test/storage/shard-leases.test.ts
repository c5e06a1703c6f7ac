import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres-store.ts';
import { acquireShardLeases, ShardLeaseLost, type ShardLeaseOptions, type ShardLeases } from '../../src/store/shard-leases.ts';
import type { Store } from '../../src/store/sqlite-store.ts';
import { POSTGRES_URL, testSchema } from './sqlite-file.ts';

/** Each holder below stands for one bot process; everything it took is given back after each test. */
const held: ShardLeases[] = [];
const waiting: AbortController[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const controller of waiting.splice(0)) controller.abort();
  await Promise.all(stores.splice(0).map((store) => store.close().catch(() => undefined)));
  await Promise.all(held.splice(0).map((leases) => leases.release()));
});

/** A deployment: its own schema, so its locks are its own. */
const deployment = () => `${POSTGRES_URL}?schema=${testSchema()}`;

/** Asks for `shardIds` as a process would; says when it became a standby. Quick retries for tests. */
function ask(storeUrl: string, shardIds: number[], extra: Partial<ShardLeaseOptions> = {}) {
  const controller = new AbortController();
  waiting.push(controller);
  let standby: () => void = () => undefined;
  const becameStandby = new Promise<void>((resolve) => {
    standby = resolve;
  });
  let acquired = false;
  const leases = acquireShardLeases({ storeUrl, shardIds, retryMs: 100, healthCheckMs: 100, signal: controller.signal, onStandby: standby, ...extra }).then(
    (leases) => {
      acquired = true;
      held.push(leases);
      return leases;
    },
  );
  // A holder stopped while waiting rejects; the tests that stop one look at that themselves.
  leases.catch(() => undefined);
  return { leases, becameStandby, isServing: () => acquired, stop: () => controller.abort() };
}

/** Ends a lease connection from the server's side, as when a process dies or its network is cut. */
async function terminate(leases: ShardLeases): Promise<void> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [leases.backendPid]);
  } finally {
    await admin.end();
  }
}

describe('shard leases on PostgreSQL', () => {
  it('GIVEN processes serving 2 shards WHEN a process of a 4-shard deployment starts (a rolling deploy changing the count) THEN it waits until every 2-shard process is gone, even for shards nobody holds', async () => {
    const url = deployment();
    const oldZero = await ask(url, [0], { shardCount: 2 }).leases;
    const oldOne = await ask(url, [1], { shardCount: 2 }).leases;
    // Shards 2 and 3 are held by nobody, yet they are served by the 2-shard processes' guilds.
    const newer = ask(url, [2, 3], { shardCount: 4 });
    await newer.becameStandby;
    expect(newer.isServing()).toBe(false);
    await oldZero.release();
    await oldOne.release();
    expect((await newer.leases).shardIds).toEqual([2, 3]);
  });

  it('GIVEN processes of the same shard count THEN each serves its own shards at once', async () => {
    const url = deployment();
    const [zero, one] = await Promise.all([ask(url, [0], { shardCount: 2 }).leases, ask(url, [1], { shardCount: 2 }).leases]);
    expect([zero.shardIds, one.shardIds]).toEqual([[0], [1]]);
  });

  it('GIVEN two processes of different counts starting at the same moment THEN only one of them serves', async () => {
    const url = deployment();
    const two = ask(url, [0], { shardCount: 2 });
    const four = ask(url, [1], { shardCount: 4 });
    await Promise.all([Promise.race([two.leases, four.leases]), Promise.race([two.becameStandby, four.becameStandby])]);
    expect([two.isServing(), four.isServing()].filter(Boolean)).toHaveLength(1);
  });

  it('GIVEN a process serving shards 0 and 1 WHEN a second asks for shard 1 THEN it waits as a standby, and serves as soon as the first gives the shards up', async () => {
    const url = deployment();
    const first = await ask(url, [0, 1]).leases;
    const second = ask(url, [1]);
    await second.becameStandby;
    expect(second.isServing()).toBe(false);
    await first.release();
    expect((await second.leases).shardIds).toEqual([1]);
  });

  it('GIVEN a standby for shards 0 and 1 while shard 1 is served elsewhere THEN it holds neither meanwhile: shard 0 stays free for others', async () => {
    const url = deployment();
    await ask(url, [1]).leases;
    const standby = ask(url, [0, 1]);
    await standby.becameStandby;
    expect((await ask(url, [0]).leases).shardIds).toEqual([0]);
  });

  it('GIVEN the serving process dies (its lease connection ends) WHEN a standby waits THEN the standby takes over, and the old holder is told it lost its shards', async () => {
    const url = deployment();
    const first = await ask(url, [0, 1]).leases;
    const second = ask(url, [0, 1]);
    await second.becameStandby;
    await terminate(first);
    expect(await first.lost).toBeInstanceOf(ShardLeaseLost);
    expect((await second.leases).shardIds).toEqual([0, 1]);
  });

  it('GIVEN two deployments in different schemas THEN each serves its shard 0 at the same time', async () => {
    const [mine, theirs] = await Promise.all([ask(deployment(), [0]).leases, ask(deployment(), [0]).leases]);
    expect(mine.namespace).not.toBe(theirs.namespace);
  });

  it('GIVEN a standby WHEN it is asked to stop while waiting THEN it stops waiting without serving', async () => {
    const url = deployment();
    await ask(url, [0]).leases;
    const standby = ask(url, [0]);
    await standby.becameStandby;
    standby.stop();
    await expect(standby.leases).rejects.toThrow();
    expect(standby.isServing()).toBe(false);
  });

  it('GIVEN PostgreSQL cannot be reached WHEN a process asks for its shards THEN it is told plainly, without the password', async () => {
    const attempt = acquireShardLeases({ storeUrl: 'postgresql://bot:hunter2secret@127.0.0.1:9/test?schema=helper_circle', shardIds: [0] });
    await expect(attempt).rejects.toThrow(/^PostgreSQL at 127\.0\.0\.1:9\/test \(schema helper_circle\) cannot be used: connect ECONNREFUSED/);
    await expect(attempt).rejects.not.toThrow(/hunter2secret/);
  });
});

describe('writes fenced by the shard leases', () => {
  it('GIVEN a process whose leases were taken over WHEN it commits a write THEN the write is refused and nothing of it is stored, while the new owner writes', async () => {
    const url = deployment();
    const oldOwner = await ask(url, [0, 1]).leases;
    const store = await openPostgresStore(url, (query) => oldOwner.fence(query));
    stores.push(store);
    await store.keyv.set('before', 'kept');
    const newOwner = ask(url, [0, 1]);
    await newOwner.becameStandby;
    await terminate(oldOwner);
    const taken = await newOwner.leases;
    const newStore = await openPostgresStore(url, (query) => taken.fence(query));
    stores.push(newStore);

    await expect(store.keyv.set('after', 'stale')).rejects.toThrow(/no longer holds its shards/);
    await newStore.keyv.set('by-new-owner', 'fresh');
    expect(await newStore.keyv.get('after')).toBeUndefined();
    expect(await newStore.keyv.get('before')).toBe('kept');
    expect(await newStore.keyv.get('by-new-owner')).toBe('fresh');
  });

  it('GIVEN a process holding its leases WHEN it writes several keys together THEN they are committed, fenced in one transaction', async () => {
    const url = deployment();
    const owner = await ask(url, [0]).leases;
    const store = await openPostgresStore(url, (query) => owner.fence(query));
    stores.push(store);
    await Promise.all([store.keyv.set('a', 1), store.keyv.set('b', 2), store.keyv.delete('c')]);
    expect(await store.keyv.get(['a', 'b'])).toEqual([1, 2]);
  });
});
