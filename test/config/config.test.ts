import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readConfig, readProxyConfig } from '../../src/config/config.ts';
import { openStore } from '../../src/store/sqlite-store.ts';

const repoRoot = join(import.meta.dirname, '..', '..');

/** Runs `npm start`'s entry point in an empty folder (no .env) with exactly `env`. */
function start(env: Record<string, string>) {
  const cwd = mkdtempSync(join(tmpdir(), 'hc-config-'));
  const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(repoRoot, 'src', 'main.ts')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('starting without a usable environment', () => {
  it('GIVEN no DISCORD_TOKEN THEN start exits 1 explaining how to create the app, the intents, the invite and the demo', () => {
    const { code, output } = start({});
    expect(code).toBe(1);
    expect(output).toContain('DISCORD_TOKEN is required');
    expect(output).toContain('discord.com/developers/applications');
    expect(output).toMatch(/No privileged gateway intents/);
    expect(output).toContain('scope=bot+applications.commands&permissions=335011761152');
    expect(output).toContain('npm run demo');
  });

  it('GIVEN a malformed LOG_LEVEL THEN start exits 1 naming the variable and the allowed values, never the token', () => {
    const { code, output } = start({ DISCORD_TOKEN: 'super-secret-token-value', LOG_LEVEL: 'loud' });
    expect(code).toBe(1);
    expect(output).toContain('LOG_LEVEL must be one of trace, debug, info, warn, error, fatal');
    expect(output).not.toContain('super-secret-token-value');
  });

  it('GIVEN an unreachable Discord THEN start exits 1 and the token is not in the log', () => {
    const { code, output } = start({
      DISCORD_TOKEN: 'super-secret-token-value',
      DISCORD_API_URL: 'http://127.0.0.1:9/api',
      STORE_URL: `sqlite://${join(mkdtempSync(join(tmpdir(), 'hc-store-')), 'db.sqlite')}`,
    });
    expect(code).toBe(1);
    expect(output).toContain('could not start');
    expect(output).not.toContain('super-secret-token-value');
  });
});

/** A port on 127.0.0.1 that nothing listens on: one the system just handed out, closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('starting on a store that cannot be used', () => {
  it('GIVEN a PostgreSQL STORE_URL on a closed port WHEN the bot starts THEN it exits 1 saying in plain words which database cannot be reached', async () => {
    const port = await closedPort();
    const { code, output } = start({
      DISCORD_TOKEN: 'super-secret-token-value',
      DISCORD_API_URL: `http://127.0.0.1:${port}/api`,
      STORE_URL: `postgresql://postgres:not-a-real-password@127.0.0.1:${port}/test?schema=helper_circle`,
    });
    expect(code).toBe(1);
    expect(output).toContain(`Helper Circle could not start: PostgreSQL at 127.0.0.1:${port}/test (schema helper_circle) cannot be used: connect ECONNREFUSED`);
    expect(output).not.toContain('not-a-real-password');
    expect(output).not.toContain('super-secret-token-value');
  });

  it('GIVEN a bot process using an SQLite file WHEN a second process starts on the same file THEN it exits 1 saying SQLite serves one process, and once the first closes the file opens again', async () => {
    const url = `sqlite://${join(mkdtempSync(join(tmpdir(), 'hc-store-')), 'db.sqlite')}`;
    const first = await openStore(url);
    try {
      const { code, output } = start({ DISCORD_TOKEN: 'super-secret-token-value', DISCORD_API_URL: 'http://127.0.0.1:9/api', STORE_URL: url });
      expect(code).toBe(1);
      expect(output).toContain(`Helper Circle could not start: Another Helper Circle process (pid ${process.pid} on `);
      expect(output).toContain('SQLite serves one process');
      expect(output).toContain('PostgreSQL');
    } finally {
      await first.close();
    }
    const again = await openStore(url);
    await again.close();
  });
});

describe('reading the environment', () => {
  it('GIVEN only a token THEN every other variable takes its documented default', () => {
    const config = readConfig({ DISCORD_TOKEN: 'abc' });
    expect(config).toEqual({
      ok: true,
      value: {
        discordToken: 'abc',
        discordApiUrl: 'https://discord.com/api',
        storeUrl: 'sqlite://data/helper-circle.sqlite',
        logLevel: 'info',
        devGuildId: undefined,
      },
    });
  });

  it('GIVEN several wrong values THEN each problem names its variable', () => {
    const config = readConfig({ DISCORD_TOKEN: 'abc', DISCORD_API_URL: 'ftp://example', DEV_GUILD_ID: '12', STORE_URL: 'redis://x' });
    expect(config.ok).toBe(false);
    const variables = config.ok ? [] : config.error.map((problem) => problem.variable);
    expect(variables.sort()).toEqual(['DEV_GUILD_ID', 'DISCORD_API_URL', 'STORE_URL']);
  });

  it('GIVEN a wrong proxy-only variable THEN the bot still starts, and the proxy names it', () => {
    const env = { DISCORD_TOKEN: 'abc', PROXY_PORT: 'eighty' };
    expect(readConfig(env).ok).toBe(true);
    const proxy = readProxyConfig(env);
    expect(proxy.ok ? [] : proxy.error.map((problem) => problem.variable)).toEqual(['PROXY_PORT']);
  });

  it('GIVEN a wrong bot-only variable THEN the proxy still starts, and the bot names it', () => {
    const env = { DISCORD_TOKEN: 'abc', STORE_URL: 'redis://x' };
    expect(readProxyConfig(env).ok).toBe(true);
    const bot = readConfig(env);
    expect(bot.ok ? [] : bot.error.map((problem) => problem.variable)).toEqual(['STORE_URL']);
  });

  it('GIVEN SQLite and PostgreSQL store URLs THEN they are accepted as given', () => {
    for (const url of [
      'sqlite://data/other.sqlite',
      'postgresql://bot:pw@db.internal:5432/circle',
      'postgres://db/circle?schema=helper_circle&sslmode=require',
    ]) {
      expect(readConfig({ DISCORD_TOKEN: 'abc', STORE_URL: url })).toMatchObject({ ok: true, value: { storeUrl: url } });
    }
  });

  it('GIVEN a store URL of another kind, or a PostgreSQL one missing its database or with an odd schema THEN the problem is said plainly, never repeating a password', () => {
    const problem = (url: string) => {
      const config = readConfig({ DISCORD_TOKEN: 'abc', STORE_URL: url });
      return config.ok ? undefined : config.error.map((each) => `${each.variable} ${each.message}`).join('; ');
    };
    expect(problem('redis://cache:6379')).toBe(
      'STORE_URL must be sqlite://path/to/file.sqlite (one process) or postgresql://user:password@host:5432/database, optionally with ?schema=name (several processes)',
    );
    expect(problem('data/helper-circle.sqlite')).toContain('STORE_URL must be sqlite://');
    expect(problem('postgresql://bot:hunter2secret@db:5432/')).toBe('STORE_URL names no PostgreSQL database: postgresql://user:password@host:5432/database');
    expect(problem('postgresql://bot@db/circle?schema=Helper-Circle')).toContain('STORE_URL has a schema that is not lower case letters');
  });

  it('GIVEN empty values as a .env file leaves them THEN they count as unset', () => {
    const config = readConfig({ DISCORD_TOKEN: 'abc', LOG_LEVEL: '', DEV_GUILD_ID: ' ' });
    expect(config.ok && config.value.logLevel).toBe('info');
    expect(config.ok && config.value.devGuildId).toBeUndefined();
  });
});

describe('reading the shard plan', () => {
  const POSTGRES = 'postgresql://bot@db:5432/circle?schema=helper_circle';
  const read = (env: Record<string, string>) => readConfig({ DISCORD_TOKEN: 'abc', STORE_URL: POSTGRES, ...env });
  const problems = (env: Record<string, string>) => {
    const config = read(env);
    return config.ok ? [] : config.error.map((each) => `${each.variable} ${each.message}`);
  };

  it('GIVEN neither SHARD_COUNT nor SHARD_IDS THEN there is no plan: one process serves every guild, as before', () => {
    const config = readConfig({ DISCORD_TOKEN: 'abc' });
    expect(config.ok && config.value.shards).toBeUndefined();
  });

  it('GIVEN SHARD_COUNT and SHARD_IDS THEN the process serves those shards, in ascending order', () => {
    expect(read({ SHARD_COUNT: '4', SHARD_IDS: '3, 1' })).toMatchObject({ ok: true, value: { shards: { count: 4, ids: [1, 3] } } });
  });

  it('GIVEN SHARD_COUNT alone THEN the process serves every shard, even on SQLite', () => {
    expect(readConfig({ DISCORD_TOKEN: 'abc', SHARD_COUNT: '3' })).toMatchObject({ ok: true, value: { shards: { count: 3, ids: [0, 1, 2] } } });
  });

  it('GIVEN a shard id not below the count THEN SHARD_IDS names it and the ids allowed', () => {
    expect(problems({ SHARD_COUNT: '2', SHARD_IDS: '0,2' })).toEqual(['SHARD_IDS names shard 2, but SHARD_COUNT is 2: shard ids go from 0 to 1']);
  });

  it('GIVEN an empty list, a word or a shard twice THEN SHARD_IDS says what it must be', () => {
    expect(problems({ SHARD_COUNT: '2', SHARD_IDS: ' , ' })).toEqual(['SHARD_IDS lists no shard: name the shards this process serves, such as 0,1']);
    expect(problems({ SHARD_COUNT: '2', SHARD_IDS: 'zero' })).toEqual(['SHARD_IDS must be shard ids separated by commas, such as 0,1']);
    expect(problems({ SHARD_COUNT: '2', SHARD_IDS: '1,1' })).toEqual(['SHARD_IDS names shard 1 more than once: list each shard once']);
  });

  it('GIVEN SHARD_IDS without SHARD_COUNT THEN it asks for the count', () => {
    expect(problems({ SHARD_IDS: '0' })).toEqual(['SHARD_IDS needs SHARD_COUNT too: how many shards the bot has in all (the same in every process)']);
  });

  it('GIVEN a SHARD_COUNT of zero or not a number THEN SHARD_COUNT says what it must be', () => {
    const kind = 'SHARD_COUNT must be how many shards the bot has in all: a whole number, 1 or more, such as 2';
    expect(problems({ SHARD_COUNT: '0' })).toEqual([kind]);
    expect(problems({ SHARD_COUNT: 'two' })).toEqual([kind]);
  });

  it('GIVEN some of the shards on SQLite, named or by default THEN STORE_URL asks for PostgreSQL, since several processes cannot share SQLite', () => {
    for (const env of [{ STORE_URL: 'sqlite://data/circle.sqlite' }, {}]) {
      const config = readConfig({ DISCORD_TOKEN: 'abc', SHARD_COUNT: '2', SHARD_IDS: '1', ...env });
      const said = config.ok ? [] : config.error.map((each) => `${each.variable} ${each.message}`);
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/^STORE_URL is (not set, so it is )?SQLite, which serves one process, but SHARD_IDS leaves shards to other processes/);
      expect(said[0]).toContain('postgresql://');
    }
  });

  it("GIVEN what discord.js's ShardingManager gives a child (SHARDS, SHARD_COUNT, SHARDING_MANAGER) THEN the child serves its shard, whatever SHARD_IDS it inherited", () => {
    const child = { SHARDING_MANAGER: 'true', SHARDS: '1', SHARD_COUNT: '2', SHARD_IDS: '0,1' };
    expect(read(child)).toMatchObject({ ok: true, value: { shards: { count: 2, ids: [1] } } });
    expect(read({ ...child, SHARDS: '[0,1]' })).toMatchObject({ ok: true, value: { shards: { count: 2, ids: [0, 1] } } });
  });

  it('GIVEN a ShardingManager child on SQLite THEN STORE_URL asks for PostgreSQL', () => {
    const said = problems({ SHARDING_MANAGER: 'true', SHARDS: '0', SHARD_COUNT: '2', STORE_URL: 'sqlite://data/circle.sqlite' });
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('STORE_URL is SQLite, which serves one process, but SHARDS leaves shards to other processes');
  });
});

describe('starting with a wrong shard plan', () => {
  it('GIVEN a shard id not below the count WHEN the bot starts THEN it exits 1 naming SHARD_IDS', () => {
    const { code, output } = start({ DISCORD_TOKEN: 'super-secret-token-value', SHARD_COUNT: '2', SHARD_IDS: '2' });
    expect(code).toBe(1);
    expect(output).toContain('SHARD_IDS names shard 2, but SHARD_COUNT is 2');
  });
});
