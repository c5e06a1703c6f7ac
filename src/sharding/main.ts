import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ShardingManager, type Shard } from 'discord.js';
import { describeConfigProblems, readConfig } from '../config/config.ts';
import { createLogger } from '../logging/logger.ts';
import { redactTokens } from '../logging/safe-error.ts';
import { startRestProxy } from '../proxy/proxy.ts';
import { childEnvironment, launcherPlan } from './plan.ts';

/** Each bot process: `npm start`'s entry point, run with tsx. */
const BOT_ENTRY = fileURLToPath(new URL('../main.ts', import.meta.url));
/** Discord lets a bot identify one shard per 5 s (max_concurrency 1): discord.js's own spacing. */
const SPAWN_DELAY_MS = 5_500;

/**
 * `npm run start:sharded` (README, "Running at scale"): on one machine, one bot process per shard, with
 * discord.js's ShardingManager, and one REST proxy (src/proxy/) that every process talks to Discord
 * through, so together they stay within the bot's 50 requests/s. The shard count is Discord's
 * recommendation unless SHARD_COUNT says otherwise (SHARD_IDS: the part of them this machine runs).
 * A process that exits (its shard leases lost, a crash) is started again, and comes back as a standby
 * if another process serves its shard by then. SIGINT/SIGTERM stop every process gracefully.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = readConfig(process.env);
  if (!config.ok) {
    process.stderr.write(`Helper Circle (sharded) cannot start: the environment is not right.\n${describeConfigProblems(config.error)}\n`);
    process.exit(1);
  }
  const { discordToken, discordApiUrl, logLevel } = config.value;
  const logger = createLogger({ level: logLevel, secrets: [discordToken] }).child({ component: 'sharding' });
  const fail = (message: string): never => {
    process.stderr.write(`Helper Circle (sharded) could not start: ${redactTokens(message.replaceAll(discordToken, '[redacted]'))}\n`);
    process.exit(1);
  };

  let recommended: number | undefined;
  if (!config.value.shards) {
    try {
      recommended = await recommendedShards(discordApiUrl, discordToken);
    } catch (error) {
      fail(`could not ask Discord how many shards to run (or set SHARD_COUNT): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const plan = launcherPlan(config.value, recommended);
  if (!plan.ok) return fail(plan.error);
  const { totalShards, shardList } = plan.value;

  let proxy: Awaited<ReturnType<typeof startRestProxy>>;
  try {
    proxy = await startRestProxy({
      discordApiUrl,
      token: discordToken,
      host: '127.0.0.1',
      port: 0,
      onError: (error, request) => logger.warn({ err: error, ...request }, 'a request to Discord failed without an answer'),
    });
  } catch (error) {
    return fail(`the REST proxy could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
  logger.info({ apiUrl: proxy.apiUrl, upstream: discordApiUrl }, 'REST proxy listening');

  const manager = new ShardingManager(BOT_ENTRY, {
    totalShards,
    shardList: [...shardList],
    token: discordToken,
    mode: 'process',
    respawn: true,
    execArgv: ['--import', import.meta.resolve('tsx')],
  });
  manager.on('shardCreate', (shard: Shard) => {
    shard.env = childEnvironment(shard.env as Record<string, unknown>, proxy.apiUrl);
    shard.on('death', () => {
      if (manager.respawn) logger.warn({ shard: shard.id }, 'a shard process exited; starting it again');
    });
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      logger.info({ signal }, 'shutting down every shard process');
      manager.respawn = false;
      await Promise.all(
        [...manager.shards.values()].map(async (shard) => {
          const child = shard.process;
          if (!child || child.exitCode !== null || child.signalCode !== null) return;
          const exited = once(child, 'exit');
          // Graceful: each process finishes its writes, closes the store and gives its shards up.
          shard.kill();
          await exited;
        }),
      );
      await proxy.close();
      logger.info('Helper Circle (sharded) stopped');
      process.exit(0);
    })();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  logger.info({ totalShards, shards: shardList }, `starting ${shardList.length} shard process(es) of ${totalShards}`);
  // No wait for each one's "ready": a process may wait as a standby while another machine serves its shard.
  await manager.spawn({ amount: totalShards, delay: SPAWN_DELAY_MS, timeout: -1 });
}

/** Discord's recommended shard count (GET /gateway/bot), from DISCORD_API_URL (the sandbox's, in tests). */
async function recommendedShards(apiUrl: string, token: string): Promise<number> {
  const response = await fetch(`${apiUrl}/v10/gateway/bot`, { headers: { Authorization: `Bot ${token}` } });
  if (!response.ok) throw new Error(`GET /gateway/bot answered ${response.status}`);
  const { shards } = (await response.json()) as { shards?: unknown };
  if (typeof shards !== 'number') throw new Error('GET /gateway/bot gave no shard count');
  return shards;
}

await main();
