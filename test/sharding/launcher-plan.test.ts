import { describe, expect, it } from 'vitest';
import { childEnvironment, launcherPlan } from '../../src/sharding/plan.ts';

const POSTGRES = 'postgresql://bot@db:5432/circle?schema=helper_circle';
const SQLITE = 'sqlite://data/helper-circle.sqlite';

describe('what npm run start:sharded starts', () => {
  it("GIVEN no SHARD_COUNT THEN it starts every shard of Discord's recommendation", () => {
    expect(launcherPlan({ storeUrl: POSTGRES, shards: undefined }, 3)).toEqual({ ok: true, value: { totalShards: 3, shardList: [0, 1, 2] } });
  });

  it("GIVEN SHARD_COUNT and SHARD_IDS THEN it starts this machine's shards of that count, whatever Discord recommends", () => {
    expect(launcherPlan({ storeUrl: POSTGRES, shards: { count: 4, ids: [2, 3] } }, 1)).toEqual({ ok: true, value: { totalShards: 4, shardList: [2, 3] } });
  });

  it('GIVEN one shard on SQLite THEN it starts one process on it, as npm start would', () => {
    expect(launcherPlan({ storeUrl: SQLITE, shards: undefined }, 1)).toEqual({ ok: true, value: { totalShards: 1, shardList: [0] } });
  });

  it('GIVEN several shards on SQLite THEN it refuses in plain words, asking for PostgreSQL', () => {
    const plan = launcherPlan({ storeUrl: SQLITE, shards: undefined }, 2);
    expect(plan.ok).toBe(false);
    expect(plan.ok ? '' : plan.error).toMatch(
      /^STORE_URL is SQLite, which serves one process, but the bot has 2 shards, each a process of its own: set STORE_URL to postgresql:\/\//,
    );
  });

  it('GIVEN each bot process THEN it talks to Discord through the launcher’s REST proxy and keeps the rest of the environment, but not the launcher’s SHARD_IDS', () => {
    const env = childEnvironment(
      { DISCORD_TOKEN: 't', DISCORD_API_URL: 'https://discord.com/api', STORE_URL: POSTGRES, SHARD_IDS: '0,1', SHARDS: 1, SHARD_COUNT: 2 },
      'http://127.0.0.1:4100/api',
    );
    expect(env).toEqual({ DISCORD_TOKEN: 't', DISCORD_API_URL: 'http://127.0.0.1:4100/api', STORE_URL: POSTGRES, SHARDS: 1, SHARD_COUNT: 2 });
  });
});
