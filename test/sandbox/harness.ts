/**
 * Shared set-up for sandbox tests: a sandbox with one guild, a text channel and a member, and a
 * real discord.js client logged in to it. Tests swap the bot's interaction handler per test.
 */
import { Client, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.ts';
import type { SandboxChannel, SandboxGuild, SandboxMember } from '../../src/sandbox/types.ts';

export interface World {
  sandbox: Sandbox;
  guild: SandboxGuild;
  channel: SandboxChannel;
  member: SandboxMember;
  client: Client;
  /** Replaces the bot's interaction handler; errors are collected in `handlerErrors`. */
  onInteraction(handler: (i: Interaction) => Promise<unknown> | unknown): void;
  handlerErrors: unknown[];
  close(): Promise<void>;
}

export const DEFAULT_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages];

export async function loginClient(sandbox: Sandbox, intents: number[] = DEFAULT_INTENTS): Promise<Client> {
  const client = new Client({ intents, rest: { api: sandbox.apiUrl } });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(sandbox.token);
  await ready;
  return client;
}

export async function startWorld(opts: SandboxOptions & { intents?: number[] } = {}): Promise<World> {
  const sandbox = await startSandbox({ heartbeatIntervalMs: 250, ...opts });
  const guild = sandbox.createGuild({ name: 'Helper Circle Test' });
  const channel = sandbox.createChannel(guild.id, { name: 'general' });
  const member = sandbox.addMember(guild.id, { username: 'alice', globalName: 'Alice' });
  const client = await loginClient(sandbox, opts.intents);
  let handler: (i: Interaction) => Promise<unknown> | unknown = () => {};
  const handlerErrors: unknown[] = [];
  client.on(Events.InteractionCreate, async (i) => {
    try {
      await handler(i);
    } catch (err) {
      handlerErrors.push(err);
    }
  });
  return {
    sandbox,
    guild,
    channel,
    member,
    client,
    handlerErrors,
    onInteraction(h) {
      handler = h;
    },
    async close() {
      await client.destroy();
      await sandbox.close();
    },
  };
}

/** Resolves when `check` returns truthy, polling briefly. */
export async function eventually<T>(check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error('eventually: condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
