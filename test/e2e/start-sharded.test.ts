import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { POSTGRES_URL, testSchema } from '../storage/sqlite-file.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const running: Array<{ launcher: ChildProcess; sandbox: Sandbox }> = [];
afterEach(async () => {
  for (const { launcher, sandbox } of running.splice(0)) {
    if (launcher.exitCode === null && launcher.signalCode === null) {
      const exited = once(launcher, 'exit');
      launcher.kill('SIGTERM');
      await exited;
    }
    await sandbox.close();
  }
});

/** `npm run start:sharded` as an operator runs it, against the sandbox, with `env`. */
function startSharded(sandbox: Sandbox, env: Record<string, string>) {
  const launcher = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(repoRoot, 'src', 'sharding', 'main.ts')], {
    // An empty folder: the launcher and its processes read a `.env` from where they run, and a developer's own must not reach the test.
    cwd: mkdtempSync(join(tmpdir(), 'hc-sharded-')),
    env: { PATH: process.env.PATH ?? '', DISCORD_TOKEN: sandbox.token, DISCORD_API_URL: sandbox.apiUrl, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  launcher.stdout!.on('data', (chunk) => (output += chunk));
  launcher.stderr!.on('data', (chunk) => (output += chunk));
  running.push({ launcher, sandbox });
  return { launcher, output: () => output };
}

describe('npm run start:sharded', () => {
  it("GIVEN Discord recommends 2 shards WHEN the bot starts sharded on PostgreSQL THEN one process per shard connects through the launcher's REST proxy and each answers in its own servers", async () => {
    const sandbox = await startSandbox({ recommendedShards: 2 });
    const guilds = [0, 1].map((shard) => {
      const guild = sandbox.createGuild({ name: `Circle ${shard}`, shard: [shard, 2] });
      return { guild, channel: sandbox.createChannel(guild.id, { name: 'circle' }), member: sandbox.addMember(guild.id, { username: 'sam' }) };
    });
    const { launcher, output } = startSharded(sandbox, { STORE_URL: `${POSTGRES_URL}?schema=${testSchema()}` });
    await expect.poll(() => sandbox.gatewayShards.map((shard) => shard.join('/')).sort(), { timeout: 40_000, interval: 200 }).toEqual(['0/2', '1/2']);
    expect(output()).toContain('REST proxy listening');
    for (const { guild, channel, member } of guilds) {
      const handle = await sandbox.slashCommand({
        guildId: guild.id,
        channelId: channel.id,
        userId: member.user.id,
        name: 'ask',
        options: { topic: 'Moving house' },
      });
      // No circle is set up yet: the bot answers, privately, how to set it up.
      expect((await handle.reply()).ephemeral).toBe(true);
    }

    // SIGTERM stops every shard process gracefully, then the launcher itself.
    const exited = once(launcher, 'exit');
    launcher.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
    expect(sandbox.gatewayShards).toEqual([]);
  }, 60_000);

  it('GIVEN an SQLite store WHEN Discord recommends 2 shards THEN the launcher stops with exit code 1, asking for PostgreSQL', async () => {
    const sandbox = await startSandbox({ recommendedShards: 2 });
    const { launcher, output } = startSharded(sandbox, { STORE_URL: 'sqlite://data/never-opened.sqlite' });
    const [code] = await once(launcher, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('STORE_URL is SQLite, which serves one process, but the bot has 2 shards');
  });
});
