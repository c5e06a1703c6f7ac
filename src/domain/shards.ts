/**
 * Which process serves which guild when the bot runs as several processes (README, "Running at scale").
 * Discord puts each guild on one gateway shard: `(guild_id >> 22) % shard_count`. A process serving a
 * set of shards runs the store-driven work (schedules, reminders, reflections, meeting timers, the
 * outbox, the retention purge) of those shards' guilds only, so no guild's work runs twice.
 */
export interface ShardPlan {
  /** How many shards the bot has in all (every process of the bot agrees on it). */
  readonly count: number;
  /** The shards this process serves, ascending, each below `count`. */
  readonly ids: readonly number[];
}

/** The shard Discord sends a guild's events to. */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** Whether this process serves the guild. No plan: one process serves every guild (the default). */
export function ownsGuild(plan: ShardPlan | undefined, guildId: string): boolean {
  if (!plan) return true;
  return plan.ids.includes(shardOfGuild(guildId, plan.count));
}

/** Whether this process serves a guild: what every job that lists guilds from the store filters by. */
export type OwnsGuild = (guildId: string) => boolean;

/** One process serving every guild. */
export const everyGuild: OwnsGuild = () => true;

/** The predicate of a plan (none: every guild). */
export function ownership(plan: ShardPlan | undefined): OwnsGuild {
  return plan ? (guildId) => ownsGuild(plan, guildId) : everyGuild;
}

/** Whether the plan leaves some shards to other processes (then the store must be shared: PostgreSQL). */
export function servesSomeShardsOnly(plan: ShardPlan | undefined): boolean {
  return plan !== undefined && plan.ids.length < plan.count;
}
