import type { Config } from '../config/config.ts';
import { err, ok, type Result } from '../domain/result.ts';

/**
 * What `npm run start:sharded` runs on this machine: discord.js's ShardingManager starts one bot
 * process per shard of `shardList`, out of `totalShards` in all.
 */
export interface LauncherPlan {
  readonly totalShards: number;
  readonly shardList: readonly number[];
}

/**
 * The shards to start: SHARD_COUNT (and SHARD_IDS, this machine's part of them) when set, otherwise
 * every shard of Discord's recommendation (`recommended`, from GET /gateway/bot). Several processes
 * need the shared store: SQLite is refused then, in plain words.
 */
export function launcherPlan(config: Pick<Config, 'shards' | 'storeUrl'>, recommended: number | undefined): Result<LauncherPlan, string> {
  const totalShards = config.shards?.count ?? recommended;
  if (totalShards === undefined || !Number.isInteger(totalShards) || totalShards < 1) {
    return err('Discord did not recommend a shard count: set SHARD_COUNT (how many shards the bot has in all).');
  }
  const shardList = config.shards?.ids ?? Array.from({ length: totalShards }, (_, id) => id);
  if (totalShards > 1 && config.storeUrl.startsWith('sqlite://')) {
    return err(
      `STORE_URL is SQLite, which serves one process, but the bot has ${totalShards} shards, each a process of its own: ` +
        'set STORE_URL to postgresql://user:password@host:5432/database so every process shares one store (README, "Running at scale").',
    );
  }
  return ok({ totalShards, shardList });
}

/**
 * What each bot process gets besides the launcher's own environment (and the SHARDS, SHARD_COUNT and
 * SHARDING_MANAGER discord.js adds): the REST proxy as its Discord API, so every process draws on one
 * budget. SHARD_IDS goes: it is the launcher's list, and each process serves only the shard it is given.
 */
export function childEnvironment(env: Readonly<Record<string, unknown>>, proxyApiUrl: string): Record<string, unknown> {
  const { SHARD_IDS: _launcherList, ...rest } = env;
  return { ...rest, DISCORD_API_URL: proxyApiUrl };
}
