import { afterEach } from 'vitest';
import { startHelperCircle, type RunningBot } from '../../src/app.ts';
import type { Config } from '../../src/config/config.ts';
import { createLogger, MemoryLogSink } from '../../src/logging/logger.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { POSTGRES_URL, testSchema } from '../storage/sqlite-file.ts';
import { addCircleGuild, type CircleGuild } from './circle-guild.ts';

/** One server of the two-shard world, with the shard Discord puts it on (of 2). */
export interface ShardGuild extends CircleGuild {
  readonly shard: number;
}

/**
 * The bot as two processes, as `SHARD_COUNT=2 SHARD_IDS=0` and `SHARD_IDS=1` would run it: two real
 * bots (each its own discord.js client, store connections and jobs), shard 0 and shard 1 of 2, on one
 * sandbox and one PostgreSQL store (a schema of the test's own), with servers on both shards.
 */
export interface TwoShardWorld {
  readonly sandbox: Sandbox;
  readonly storeUrl: string;
  readonly guilds: readonly ShardGuild[];
  /** The bot serving shard 0, then the one serving shard 1. */
  readonly bots: readonly [RunningBot, RunningBot];
  readonly logs: readonly [MemoryLogSink, MemoryLogSink];
  /**
   * Starts one more process for `shard` on the same store and sandbox (a standby while another serves
   * it); resolves once it serves. Closed with the world.
   */
  startBot(shard: number, logs: MemoryLogSink, onShardsLost?: (reason: Error) => void): Promise<RunningBot>;
  close(): Promise<void>;
}

export interface TwoShardWorldOptions {
  /** Servers on each shard (default 2). */
  readonly guildsPerShard?: number;
  readonly now?: () => Date;
  readonly scheduleTickMs?: number;
  readonly meetingMinuteMs?: number;
}

export async function createTwoShardWorld(options: TwoShardWorldOptions = {}): Promise<TwoShardWorld> {
  const sandbox = await startSandbox({ recommendedShards: 2 });
  const guilds: ShardGuild[] = [];
  for (let index = 0; index < (options.guildsPerShard ?? 2); index += 1) {
    for (const shard of [0, 1]) guilds.push({ ...addCircleGuild(sandbox, `Circle ${shard}.${index}`, [shard, 2]), shard });
  }
  const storeUrl = `${POSTGRES_URL}?schema=${testSchema()}`;
  const started: Array<Promise<RunningBot>> = [];
  const waiting = new AbortController();
  const start = (shard: number, logs: MemoryLogSink, onShardsLost?: (reason: Error) => void) => {
    const config: Config = {
      discordToken: sandbox.token,
      discordApiUrl: sandbox.apiUrl,
      storeUrl,
      logLevel: 'debug',
      devGuildId: undefined,
      shards: { count: 2, ids: [shard] },
    };
    const bot = startHelperCircle({
      config,
      logger: createLogger({ level: 'debug', secrets: [sandbox.token], sink: logs }),
      now: options.now,
      scheduleTickMs: options.scheduleTickMs,
      meetingMinuteMs: options.meetingMinuteMs,
      leaseRetryMs: 200,
      leaseHealthCheckMs: 200,
      signal: waiting.signal,
      onShardsLost,
    });
    started.push(bot);
    // A standby still waiting when the world closes is stopped by the signal: that rejection is expected.
    bot.catch(() => undefined);
    return bot;
  };
  const logs: [MemoryLogSink, MemoryLogSink] = [new MemoryLogSink(), new MemoryLogSink()];
  const close = async () => {
    waiting.abort();
    const settled = await Promise.allSettled(started);
    await Promise.allSettled(settled.map((each) => (each.status === 'fulfilled' ? each.value.stop() : undefined)));
    await sandbox.close();
  };
  let bots: RunningBot[];
  try {
    bots = await Promise.all([start(0, logs[0]), start(1, logs[1])]);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    sandbox,
    storeUrl,
    guilds,
    bots: [bots[0]!, bots[1]!],
    logs,
    startBot: start,
    close,
  };
}

/** For a test file: every two-shard world is closed after its test. */
export function twoShardWorldsClosedAfterEach(): (options?: TwoShardWorldOptions) => Promise<TwoShardWorld> {
  const open: TwoShardWorld[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((world) => world.close()));
  });
  return async (options = {}) => {
    const world = await createTwoShardWorld(options);
    open.push(world);
    return world;
  };
}
