import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/config.ts';

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

  it('GIVEN empty values as a .env file leaves them THEN they count as unset', () => {
    const config = readConfig({ DISCORD_TOKEN: 'abc', LOG_LEVEL: '', DEV_GUILD_ID: ' ' });
    expect(config.ok && config.value.logLevel).toBe('info');
    expect(config.ok && config.value.devGuildId).toBeUndefined();
  });
});
