/**
 * Discord snowflakes: 64-bit ids whose top 42 bits are milliseconds since the Discord epoch.
 * discord.js derives `createdTimestamp` of interactions, messages, etc. from these bits, so the
 * sandbox must mint real-looking snowflakes rather than counters.
 */
export const DISCORD_EPOCH = 1_420_070_400_000n;

export class SnowflakeGenerator {
  private increment = 0n;
  private lastMs = 0n;
  // A random worker id keeps ids from two sandboxes in one process apart.
  private readonly worker = BigInt(Math.floor(Math.random() * 32));

  next(at: number = Date.now()): string {
    let ms = BigInt(at);
    // Monotonic even if the clock steps back, so ids always sort in creation order.
    if (ms < this.lastMs) ms = this.lastMs;
    if (ms === this.lastMs) this.increment = (this.increment + 1n) & 0xfffn;
    else this.increment = 0n;
    if (ms === this.lastMs && this.increment === 0n) ms += 1n; // 4096 ids in one ms: borrow the next ms
    this.lastMs = ms;
    return (((ms - DISCORD_EPOCH) << 22n) | (this.worker << 17n) | this.increment).toString();
  }

  /** The next id that falls on gateway shard `shardId` of `shardCount` (its millisecond moves up to `shardCount - 1` ahead). */
  nextOnShard(shardId: number, shardCount: number): string {
    for (let at = Math.max(Date.now(), Number(this.lastMs)); ; at++) {
      if (Number((BigInt(at) - DISCORD_EPOCH) % BigInt(shardCount)) !== shardId) continue;
      const id = this.next(at);
      if (shardOf(id, shardCount) === shardId) return id;
    }
  }
}

/** Discord's rule: a guild belongs to shard `(guild_id >> 22) % shard_count`; DMs go to shard 0. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

export function snowflakeTimestamp(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}
