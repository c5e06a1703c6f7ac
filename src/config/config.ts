import { z } from 'zod';
import { err, ok, type Result } from '../domain/result.ts';
import { servesSomeShardsOnly, type ShardPlan } from '../domain/shards.ts';

export const DISCORD_API_DEFAULT = 'https://discord.com/api';
export const STORE_URL_DEFAULT = 'sqlite://data/helper-circle.sqlite';
/** `npm run proxy` listens here unless PROXY_HOST / PROXY_PORT say otherwise. */
export const PROXY_HOST_DEFAULT = '127.0.0.1';
export const PROXY_PORT_DEFAULT = 8080;

const STORE_URL_KINDS =
  'must be sqlite://path/to/file.sqlite (one process) or postgresql://user:password@host:5432/database, optionally with ?schema=name (several processes)';

/** A STORE_URL schema, put in SQL unquoted (src/store/postgres-store.ts): lower case letters, digits and underscores. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** What is wrong with a PostgreSQL STORE_URL, never repeating it (it may hold a password). */
function postgresUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `is not a valid URL: ${STORE_URL_KINDS}`;
  }
  if (!parsed.hostname) return 'names no PostgreSQL host: postgresql://user:password@host:5432/database';
  if (parsed.pathname.length <= 1) return 'names no PostgreSQL database: postgresql://user:password@host:5432/database';
  const schema = parsed.searchParams.get('schema');
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    return 'has a schema that is not lower case letters, digits and underscores (starting with a letter or _), such as ?schema=helper_circle';
  }
  return undefined;
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

const SHARD_COUNT_KIND = 'must be how many shards the bot has in all: a whole number, 1 or more, such as 2';

/**
 * A list of shard ids: `0,1` as people write it (SHARD_IDS), or JSON as discord.js's ShardingManager
 * writes it (SHARDS=1, or [0,1]). Ascending, each once.
 */
const shardList =
  (variable: string) =>
  (text: string, ctx: z.RefinementCtx): number[] => {
    const items = text
      .trim()
      .replace(/^\[|\]$/g, '')
      .split(',')
      .map((item) => item.trim());
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (items.every((item) => item === '')) return fail('lists no shard: name the shards this process serves, such as 0,1');
    if (!items.every((item) => /^\d{1,6}$/.test(item))) {
      return fail(`must be shard ids separated by commas, such as ${variable === 'SHARDS' ? '[0,1]' : '0,1'}`);
    }
    const ids = items.map(Number);
    const twice = ids.filter((id, index) => ids.indexOf(id) !== index);
    if (twice.length > 0) return fail(`names shard ${[...new Set(twice)].join(', ')} more than once: list each shard once`);
    return ids.sort((a, b) => a - b);
  };

/** The shards this process serves: SHARD_IDS, or what a ShardingManager gave its child (SHARDS). */
function shardIdsOf(value: { SHARD_IDS?: number[]; SHARDS?: number[]; SHARDING_MANAGER?: string }): number[] | undefined {
  // A child of the ShardingManager inherits the launcher's environment, SHARD_IDS included: its own SHARDS wins.
  if (value.SHARDING_MANAGER && value.SHARDS) return value.SHARDS;
  return value.SHARD_IDS ?? value.SHARDS;
}

/** Empty strings in a .env file mean "not set", as most people writing one expect. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

/** What the bot and `npm run proxy` both read. */
const sharedSchema = z.object({
  DISCORD_TOKEN: z
    .string({ error: 'is required: the bot token from the Discord developer portal' })
    .trim()
    .min(1, { error: 'is required: the bot token from the Discord developer portal' })
    .regex(/^\S+$/, { error: 'must be a single token without spaces' }),
  DISCORD_API_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://discord.com/api' })),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })),
});

/** The environment schema of the bot, read once at start-up (README, "Environment"). */
const botSchema = sharedSchema.extend({
  STORE_URL: optional(
    z
      .string()
      .trim()
      .refine((url) => /^(sqlite|postgres|postgresql):\/\//.test(url), { error: STORE_URL_KINDS })
      .refine((url) => !url.startsWith('sqlite://') || url.length > 'sqlite://'.length, { error: `names no file: ${STORE_URL_KINDS}` })
      .refine((url) => !/^postgres(ql)?:\/\//.test(url) || postgresUrlProblem(url) === undefined, {
        error: (issue) => postgresUrlProblem(String(issue.input)) ?? STORE_URL_KINDS,
      }),
  ),
  DEV_GUILD_ID: optional(z.string().regex(/^\d{17,20}$/, { error: 'must be a server (guild) id: 17 to 20 digits' })),
  SHARD_COUNT: optional(
    z
      .string()
      .trim()
      .regex(/^\d{1,6}$/, { error: SHARD_COUNT_KIND })
      .transform(Number)
      .refine((count) => count >= 1, { error: SHARD_COUNT_KIND }),
  ),
  SHARD_IDS: optional(z.string().transform(shardList('SHARD_IDS'))),
  // Set by discord.js's ShardingManager (`npm run start:sharded`) in each process it starts: the shard
  // id as JSON (a number, or an array), beside SHARD_COUNT.
  SHARDS: optional(z.string().transform(shardList('SHARDS'))),
  SHARDING_MANAGER: optional(z.string()),
});

/** The bot's schema with the checks that span variables: the shard plan and the store it needs. */
const botEnvironment = botSchema.superRefine((value, ctx) => {
  const ids = shardIdsOf(value);
  if (!ids) return;
  const variable = value.SHARD_IDS && !value.SHARDING_MANAGER ? 'SHARD_IDS' : 'SHARDS';
  if (value.SHARD_COUNT === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: [variable],
      message: 'needs SHARD_COUNT too: how many shards the bot has in all (the same in every process)',
    });
    return;
  }
  const count = value.SHARD_COUNT;
  const tooHigh = ids.filter((id) => id >= count);
  if (tooHigh.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: [variable],
      message: `names shard ${tooHigh.join(', ')}, but SHARD_COUNT is ${count}: shard ids go from 0 to ${count - 1}`,
    });
    return;
  }
  const store = value.STORE_URL ?? STORE_URL_DEFAULT;
  if (servesSomeShardsOnly({ count, ids }) && store.startsWith('sqlite://')) {
    ctx.addIssue({
      code: 'custom',
      path: ['STORE_URL'],
      message:
        `${value.STORE_URL ? 'is' : 'is not set, so it is'} SQLite, which serves one process, but ${variable} leaves shards to other processes: ` +
        'set STORE_URL to postgresql://user:password@host:5432/database so every process shares one store (README, "Running at scale")',
    });
  }
});

/** The environment schema of `npm run proxy` (README, "Running at scale"): DISCORD_API_URL is its upstream. */
const proxySchema = sharedSchema.extend({
  PROXY_HOST: optional(
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9.:-]+$/, { error: 'must be an address to listen on, such as 127.0.0.1 or 0.0.0.0' }),
  ),
  PROXY_PORT: optional(
    z
      .string()
      .trim()
      .regex(/^\d{1,5}$/, { error: 'must be a port number from 0 to 65535' })
      .transform(Number)
      .refine((port) => port <= 65_535, { error: 'must be a port number from 0 to 65535' }),
  ),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  readonly discordToken: string;
  readonly discordApiUrl: string;
  readonly storeUrl: string;
  readonly logLevel: LogLevel;
  readonly devGuildId: string | undefined;
  /**
   * The shards this process serves (SHARD_COUNT, SHARD_IDS); undefined when neither is set: one process,
   * one connection to Discord, every guild (the default).
   */
  readonly shards?: ShardPlan | undefined;
}

/** What `npm run proxy` (src/proxy/main.ts) reads: the one bot token it serves and where Discord is. */
export interface ProxyConfig {
  readonly discordToken: string;
  /** Upstream: Discord's REST API (or the sandbox's, in tests). */
  readonly discordApiUrl: string;
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly logLevel: LogLevel;
}

export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

/** The problems as every program prints them before exiting: one indented line each, the variable first. */
export function describeConfigProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((problem) => `  ${problem.variable} ${problem.message}`).join('\n');
}

/** Parses the environment with one program's schema; problems name the variable and what is expected, never its value. */
function parseEnvironment<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv): Result<T, ConfigProblem[]> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    return err(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        message: issue.message,
      })),
    );
  }
  return ok(parsed.data);
}

/** The settings both programs share, from the shared part of their schema. */
const shared = (value: z.infer<typeof sharedSchema>) => ({
  discordToken: value.DISCORD_TOKEN,
  discordApiUrl: (value.DISCORD_API_URL ?? DISCORD_API_DEFAULT).replace(/\/+$/, ''),
  logLevel: value.LOG_LEVEL ?? 'info',
});

/** Reads the bot's environment once. A proxy-only variable does not stop the bot. */
export function readConfig(env: NodeJS.ProcessEnv): Result<Config, ConfigProblem[]> {
  const parsed = parseEnvironment(botEnvironment, env);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  const count = value.SHARD_COUNT;
  // SHARD_COUNT alone: this process serves every shard, each on its own gateway connection.
  const shards = count === undefined ? undefined : { count, ids: shardIdsOf(value) ?? Array.from({ length: count }, (_, id) => id) };
  return ok({ ...shared(value), storeUrl: value.STORE_URL ?? STORE_URL_DEFAULT, devGuildId: value.DEV_GUILD_ID, shards });
}

/** The REST proxy's settings: DISCORD_API_URL is its upstream here. A bot-only variable does not stop it. */
export function readProxyConfig(env: NodeJS.ProcessEnv): Result<ProxyConfig, ConfigProblem[]> {
  const parsed = parseEnvironment(proxySchema, env);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  return ok({ ...shared(value), host: value.PROXY_HOST ?? PROXY_HOST_DEFAULT, port: value.PROXY_PORT ?? PROXY_PORT_DEFAULT });
}
