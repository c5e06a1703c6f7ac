import { describe, expect, it } from 'vitest';
import { ownsGuild, servesSomeShardsOnly, shardOfGuild } from '../../src/domain/shards.ts';

/** A guild id whose shard, in `count` shards, is `shard`: Discord's formula read backwards. */
const guildOn = (shard: number, count: number, nth = 1) => String((BigInt(nth * count + shard) << 22n) | 12345n);

describe('which shard a guild is on', () => {
  it('GIVEN guild 197038439483310086 and 2 shards THEN it is on shard 0 (its id >> 22 is even)', () => {
    // 197038439483310086 >> 22 = 46977624770; even, so shard 0 of 2.
    expect(shardOfGuild('197038439483310086', 2)).toBe(0);
    expect(shardOfGuild('197038439483310086', 1)).toBe(0);
  });

  it('GIVEN ids built for each shard of 4 THEN each lands on its own shard', () => {
    expect([0, 1, 2, 3].map((shard) => shardOfGuild(guildOn(shard, 4, 1000), 4))).toEqual([0, 1, 2, 3]);
  });

  it('GIVEN real-sized snowflakes THEN the low 22 bits (worker, process, increment) do not change the shard', () => {
    const base = BigInt(guildOn(1, 2, 10_000_000));
    expect(shardOfGuild(String(base | 0x3fffffn), 2)).toBe(1);
  });
});

describe('which guilds a process serves', () => {
  it('GIVEN no plan (one process) THEN it serves every guild', () => {
    expect(ownsGuild(undefined, guildOn(0, 2))).toBe(true);
    expect(ownsGuild(undefined, guildOn(1, 2))).toBe(true);
  });

  it('GIVEN shard 1 of 2 THEN it serves the guilds of shard 1 and none of shard 0', () => {
    const plan = { count: 2, ids: [1] };
    expect(ownsGuild(plan, guildOn(1, 2))).toBe(true);
    expect(ownsGuild(plan, guildOn(0, 2))).toBe(false);
  });

  it('GIVEN shards 0 and 2 of 4 THEN it serves those two shards only', () => {
    const plan = { count: 4, ids: [0, 2] };
    expect([0, 1, 2, 3].map((shard) => ownsGuild(plan, guildOn(shard, 4)))).toEqual([true, false, true, false]);
  });

  it('GIVEN a plan with every shard THEN the process serves everything, and only a strict subset needs a shared store', () => {
    expect(servesSomeShardsOnly({ count: 2, ids: [0, 1] })).toBe(false);
    expect(servesSomeShardsOnly({ count: 2, ids: [0] })).toBe(true);
    expect(servesSomeShardsOnly(undefined)).toBe(false);
  });
});
