import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { acquireShardLeases, leaseNamespace, type ShardLeases } from '../../src/store/shard-leases.ts';
import { POSTGRES_URL, testSchema } from '../storage/sqlite-file.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sandboxWithOneGuild(): Promise<Sandbox> {
  const sandbox = await startSandbox();
  sandbox.createGuild({ name: 'Riverside Circle' });
  cleanups.push(() => sandbox.close());
  return sandbox;
}

/** `npm start` in an empty folder, against the sandbox and the PostgreSQL schema of `storeUrl`, as shard 0 of 1. */
function startBot(sandbox: Sandbox, storeUrl: string) {
  const bot: ChildProcess = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(repoRoot, 'src', 'main.ts')], {
    cwd: mkdtempSync(join(tmpdir(), 'hc-standby-')),
    env: { PATH: process.env.PATH ?? '', DISCORD_TOKEN: sandbox.token, DISCORD_API_URL: sandbox.apiUrl, STORE_URL: storeUrl, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  bot.stdout!.on('data', (chunk) => (output += chunk));
  bot.stderr!.on('data', (chunk) => (output += chunk));
  const exited = once(bot, 'exit') as Promise<[number | null, string | null]>;
  cleanups.push(async () => {
    if (bot.exitCode === null && bot.signalCode === null) {
      bot.kill('SIGKILL');
      await exited;
    }
  });
  return { bot, exited, output: () => output };
}

/** Another process's hold on shard 0 of the deployment. */
async function holdShardZero(storeUrl: string): Promise<ShardLeases> {
  const leases = await acquireShardLeases({ storeUrl, shardIds: [0] });
  cleanups.push(() => leases.release());
  return leases;
}

describe('a bot process started while another serves its shard', () => {
  it('GIVEN shard 0 is served elsewhere WHEN the bot starts THEN it says it is a standby, does not connect to Discord, and a SIGTERM ends it with exit code 0', async () => {
    const sandbox = await sandboxWithOneGuild();
    const storeUrl = `${POSTGRES_URL}?schema=${testSchema()}`;
    await holdShardZero(storeUrl);
    const { bot, exited, output } = startBot(sandbox, storeUrl);
    await expect.poll(output, { timeout: 20_000 }).toContain('standby: shards 0 are served by another process; waiting to take over');
    bot.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
    expect(sandbox.gatewayIdentifies).toEqual([]);
  });

  it('GIVEN a standby WHEN the other process gives the shard up THEN it connects and serves', async () => {
    const sandbox = await sandboxWithOneGuild();
    const storeUrl = `${POSTGRES_URL}?schema=${testSchema()}`;
    const other = await holdShardZero(storeUrl);
    const { output } = startBot(sandbox, storeUrl);
    await expect.poll(output, { timeout: 20_000 }).toContain('standby: shards 0 are served by another process');
    await other.release();
    await expect.poll(output, { timeout: 20_000 }).toContain('Helper Circle is ready');
    expect(sandbox.gatewayIdentifies).toHaveLength(1);
  });

  it('GIVEN a serving bot WHEN its lease connection to PostgreSQL is cut THEN it stops serving and exits with code 1, saying why in plain words', async () => {
    const sandbox = await sandboxWithOneGuild();
    const schema = testSchema();
    const { exited, output } = startBot(sandbox, `${POSTGRES_URL}?schema=${schema}`);
    await expect.poll(output, { timeout: 20_000 }).toContain('Helper Circle is ready');
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::oid AND objsubid = 2 AND granted", [
        leaseNamespace(schema),
      ]);
    } finally {
      await admin.end();
    }
    expect((await exited)[0]).toBe(1);
    expect(output()).toContain('Helper Circle stopped serving: This process no longer holds its shards');
  });
});
