/**
 * `npm run proxy` end to end: the sandbox as Discord, the proxy's real entry point (src/proxy/main.ts)
 * in its own process pointed at it through DISCORD_API_URL, and real discord.js clients whose `rest.api`
 * is the proxy. Only 127.0.0.1 is reached.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Events, GatewayIntentBits, RESTEvents, type TextChannel } from 'discord.js';
import { readProxyConfig } from '../../src/config/config.ts';
import { startRestProxy } from '../../src/proxy/proxy.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import type { SandboxChannel, SandboxGuild } from '../../src/sandbox/types.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const entry = join(repoRoot, 'src', 'proxy', 'main.ts');
const nodeArgs = ['--import', import.meta.resolve('tsx'), entry];

/** The proxy's entry point in an empty folder (no .env) with exactly `env`; resolves with its API URL once it listens. */
async function startProxyProcess(env: Record<string, string>): Promise<{ apiUrl: string; child: ChildProcessWithoutNullStreams; output: () => string }> {
  const child = spawn(process.execPath, nodeArgs, { cwd: mkdtempSync(join(tmpdir(), 'hc-proxy-')), env: { PATH: process.env.PATH ?? '', ...env } });
  let output = '';
  const apiUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the proxy did not start: ${output}`)), 20_000);
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
      for (const line of output.split('\n')) {
        if (!line.includes('REST proxy listening')) continue;
        clearTimeout(timer);
        resolve(JSON.parse(line).apiUrl);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the proxy exited with ${code}: ${output}`));
    });
  });
  return { apiUrl, child, output: () => output };
}

async function loginThrough(apiUrl: string, sandbox: Sandbox): Promise<{ client: Client; tooManyRequests: () => number }> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiUrl } });
  let answered429 = 0;
  client.rest.on(RESTEvents.Response, (_request, response) => {
    if (response.status === 429) answered429 += 1;
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(sandbox.token);
  await ready;
  return { client, tooManyRequests: () => answered429 };
}

/** Each client sends 40 (under its own 50/s, so neither holds itself back) over 4 channels at once. */
async function sendEighty(pair: ReadonlyArray<{ client: Client }>, channels: readonly SandboxChannel[]): Promise<void> {
  await Promise.all(
    pair.flatMap(({ client }, who) =>
      Array.from({ length: 40 }, (_, n) => {
        const channel = channels[4 * who + (n % 4)]!;
        return (client.channels.cache.get(channel.id) as TextChannel).send({ content: `client ${who} #${n}`, allowedMentions: { parse: [] } });
      }),
    ),
  );
}

const eightyContents = () =>
  Array.from({ length: 2 }, (_, who) => Array.from({ length: 40 }, (_, n) => `client ${who} #${n}`))
    .flat()
    .sort();

describe('npm run proxy: discord.js clients through one REST proxy', () => {
  let sandbox: Sandbox;
  let proxy: Awaited<ReturnType<typeof startProxyProcess>>;
  let guild: SandboxGuild;
  let channels: SandboxChannel[];
  const clients: Client[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ heartbeatIntervalMs: 250, globalRequestsPerSecond: 50 });
    guild = sandbox.createGuild({ name: 'Behind a proxy' });
    channels = Array.from({ length: 8 }, (_, i) => sandbox.createChannel(guild.id, { name: `c${i}` }));
    proxy = await startProxyProcess({ DISCORD_TOKEN: sandbox.token, DISCORD_API_URL: sandbox.apiUrl, PROXY_HOST: '127.0.0.1', PROXY_PORT: '0' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.destroy()));
    proxy?.child.kill('SIGTERM');
    await sandbox?.close();
  });

  it('GIVEN a client whose rest.api is the proxy WHEN it logs in and sends a message THEN the message arrives in the sandbox once', async () => {
    const { client } = await loginThrough(proxy.apiUrl, sandbox);
    clients.push(client);
    const before = sandbox.requests.length;
    const sent = await (client.channels.cache.get(channels[0]!.id) as TextChannel).send({ content: 'through the proxy', allowedMentions: { parse: [] } });
    expect(
      sandbox
        .messages(channels[0]!.id)
        .filter((m) => m.content === 'through the proxy')
        .map((m) => m.id),
    ).toEqual([sent.id]);
    const posts = sandbox.requests.slice(before).filter((r) => r.route === 'POST /channels/:id/messages');
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ status: 200, authorized: true });
    // Gateway discovery went through the proxy too.
    expect(sandbox.requests.some((r) => r.route === 'GET /gateway/bot' && r.authorized)).toBe(true);
  });

  it('GIVEN two clients through one proxy WHEN together they send 80 messages at once THEN every message arrives once, the sandbox never admits more than 50 in a second nor refuses any, and the proxy queued them rather than bouncing them', async () => {
    const pair = await Promise.all([loginThrough(proxy.apiUrl, sandbox), loginThrough(proxy.apiUrl, sandbox)]);
    clients.push(...pair.map((p) => p.client));
    const refusedBefore = sandbox.globalRateLimit().refused;
    await sendEighty(pair, channels);
    const contents = channels.flatMap((c) => sandbox.messages(c.id).map((m) => m.content)).filter((c) => c.startsWith('client '));
    expect(contents.sort()).toEqual(eightyContents());
    const budget = sandbox.globalRateLimit();
    expect(budget.peak).toBeLessThanOrEqual(50);
    expect(budget.refused - refusedBefore).toBe(0);
    // Well within the proxy's 5 s of queue: no client was told to wait and retry.
    expect(pair.reduce((sum, p) => sum + p.tooManyRequests(), 0)).toBe(0);
  });

  it("GIVEN the proxy serves one bot WHEN a request carries another bot's token THEN it answers 401 and Discord never sees it", async () => {
    const before = sandbox.requests.length;
    const response = await fetch(`${proxy.apiUrl}/v10/users/@me`, { headers: { Authorization: 'Bot another-bots-token' } });
    expect(response.status).toBe(401);
    expect(sandbox.requests.length).toBe(before);
  });
});

describe('the REST proxy: more queued than it waits for', () => {
  it('GIVEN a proxy that waits at most 100 ms for the budget WHEN two clients send 80 messages at once THEN the rest get a global 429, retry, and every message arrives once without a 429 from the sandbox', async () => {
    const sandbox = await startSandbox({ heartbeatIntervalMs: 250, globalRequestsPerSecond: 50 });
    const proxy = await startRestProxy({ discordApiUrl: sandbox.apiUrl, token: sandbox.token, host: '127.0.0.1', port: 0, maxWaitMs: 100 });
    const pair: Array<{ client: Client; tooManyRequests: () => number }> = [];
    try {
      const guild = sandbox.createGuild({ name: 'A short queue' });
      const channels = Array.from({ length: 8 }, (_, i) => sandbox.createChannel(guild.id, { name: `c${i}` }));
      pair.push(...(await Promise.all([loginThrough(proxy.apiUrl, sandbox), loginThrough(proxy.apiUrl, sandbox)])));
      await sendEighty(pair, channels);
      const contents = channels.flatMap((c) => sandbox.messages(c.id).map((m) => m.content)).filter((c) => c.startsWith('client '));
      expect(contents.sort()).toEqual(eightyContents());
      expect(pair.reduce((sum, p) => sum + p.tooManyRequests(), 0)).toBeGreaterThan(0);
      expect(sandbox.globalRateLimit().refused).toBe(0);
    } finally {
      await Promise.all(pair.map((p) => p.client.destroy()));
      await proxy.close();
      await sandbox.close();
    }
  });
});

describe('npm run proxy: when Discord does not answer', () => {
  it('GIVEN an unreachable upstream WHEN a bot request comes THEN the caller gets 502 and the log names the route, never the token', async () => {
    const token = 'super-secret-token-value';
    const proxy = await startProxyProcess({ DISCORD_TOKEN: token, DISCORD_API_URL: 'http://127.0.0.1:9/api', PROXY_HOST: '127.0.0.1', PROXY_PORT: '0' });
    try {
      const response = await fetch(`${proxy.apiUrl}/v10/channels/123456789012345678/messages`, {
        method: 'POST',
        headers: { Authorization: `Bot ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ content: 'hello' }),
      });
      expect(response.status).toBe(502);
      await expect.poll(() => proxy.output()).toContain('a request to Discord failed without an answer');
      expect(proxy.output()).toContain('/api/v10/channels/:id/messages');
      expect(proxy.output()).not.toContain(token);
    } finally {
      proxy.child.kill('SIGTERM');
    }
  });
});

describe('npm run proxy: its environment', () => {
  it('GIVEN only a token THEN the proxy listens on 127.0.0.1:8080 and forwards to Discord', () => {
    expect(readProxyConfig({ DISCORD_TOKEN: 'abc' })).toEqual({
      ok: true,
      value: { discordToken: 'abc', discordApiUrl: 'https://discord.com/api', host: '127.0.0.1', port: 8080, logLevel: 'info' },
    });
  });

  it('GIVEN a malformed PROXY_PORT THEN the proxy exits 1 naming the variable, never the token', () => {
    const result = spawnSync(process.execPath, nodeArgs, {
      cwd: mkdtempSync(join(tmpdir(), 'hc-proxy-')),
      env: { PATH: process.env.PATH ?? '', DISCORD_TOKEN: 'super-secret-token-value', PROXY_PORT: '70000' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toContain('PROXY_PORT must be a port number from 0 to 65535');
    expect(`${result.stdout}${result.stderr}`).not.toContain('super-secret-token-value');
  });

  it('GIVEN no DISCORD_TOKEN THEN the proxy exits 1 saying it is required', () => {
    const result = spawnSync(process.execPath, nodeArgs, {
      cwd: mkdtempSync(join(tmpdir(), 'hc-proxy-')),
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('DISCORD_TOKEN is required');
  });
});
