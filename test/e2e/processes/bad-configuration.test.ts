import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_TIMEOUT_MS, processesClosedAfterEach } from './processes.ts';

const open = processesClosedAfterEach();

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('npm start with a configuration that cannot work', { timeout: TEST_TIMEOUT_MS }, () => {
  it('GIVEN a shard id not below the shard count WHEN the bot starts THEN it stops with exit code 1 and says which shards exist', async () => {
    const world = await open();
    const bot = world.startMain('bot', { STORE_URL: world.storeUrl, SHARD_COUNT: '2', SHARD_IDS: '0,2' });
    expect(await bot.exited).toEqual({ code: 1, signal: null });
    expect(bot.stderr).toContain('SHARD_IDS names shard 2, but SHARD_COUNT is 2: shard ids go from 0 to 1');
    expect(world.sandbox.gatewayIdentifies).toEqual([]);
  });

  it('GIVEN a bot running on an SQLite file WHEN a second process starts on the same file THEN the second stops with exit code 1 and a plain reason, and the first goes on', async () => {
    const world = await open();
    const storeUrl = `sqlite://${join(mkdtempSync(join(tmpdir(), 'hc-processes-')), 'helper-circle.sqlite')}`;
    const first = world.startMain('first bot', { STORE_URL: storeUrl });
    await first.waitForLog('Helper Circle is ready');
    const second = world.startMain('second bot', { STORE_URL: storeUrl });
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.stderr).toContain(`Another Helper Circle process (pid ${first.pid}`);
    expect(second.stderr).toContain('SQLite serves one process');
    expect(first.running).toBe(true);
    expect(world.sandbox.gatewayIdentifies.filter((identify) => identify.outcome === 'ready')).toHaveLength(1);
  });

  it('GIVEN PostgreSQL cannot be reached WHEN the bot starts THEN it stops with exit code 1 and names the database it could not use', async () => {
    const world = await open();
    const port = await closedPort();
    const bot = world.startMain('bot', { STORE_URL: `postgresql://postgres@127.0.0.1:${port}/test?schema=${world.schema}` });
    expect(await bot.exited).toEqual({ code: 1, signal: null });
    expect(bot.stderr).toContain(`Helper Circle could not start: PostgreSQL at 127.0.0.1:${port}/test (schema ${world.schema}) cannot be used`);
    expect(bot.stderr).not.toMatch(/\n\s+at /);
    expect(world.sandbox.gatewayIdentifies).toEqual([]);
  });
});
