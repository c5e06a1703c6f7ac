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
    expect(output).toContain('scope=bot+applications.commands&permissions=335007566848');
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
