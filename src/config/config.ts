import { z } from 'zod';
import { err, ok, type Result } from '../domain/result.ts';

export const DISCORD_API_DEFAULT = 'https://discord.com/api';
export const STORE_URL_DEFAULT = 'sqlite://data/helper-circle.sqlite';
/** `npm run proxy` listens here unless PROXY_HOST / PROXY_PORT say otherwise. */
export const PROXY_HOST_DEFAULT = '127.0.0.1';
export const PROXY_PORT_DEFAULT = 8080;

const STORE_URL_KINDS =
  'must be sqlite://path/to/file.sqlite (one process) or postgresql://user:password@host:5432/database, optionally with ?schema=name (several processes)';

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
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    return 'has a schema that is not lower case letters, digits and underscores (starting with a letter or _), such as ?schema=helper_circle';
  }
  return undefined;
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** Empty strings in a .env file mean "not set", as most people writing one expect. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

/** The one schema for the environment, read once at start-up (README, "Environment"). */
const environmentSchema = z.object({
  DISCORD_TOKEN: z
    .string({ error: 'is required: the bot token from the Discord developer portal' })
    .trim()
    .min(1, { error: 'is required: the bot token from the Discord developer portal' })
    .regex(/^\S+$/, { error: 'must be a single token without spaces' }),
  DISCORD_API_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://discord.com/api' })),
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
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })),
  DEV_GUILD_ID: optional(z.string().regex(/^\d{17,20}$/, { error: 'must be a server (guild) id: 17 to 20 digits' })),
  // `npm run proxy` only (README, "Running at scale"); the bot ignores them.
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

type Environment = z.infer<typeof environmentSchema>;

/** The one schema over the whole environment; problems name the variable and what is expected, never its value. */
function parseEnvironment(env: NodeJS.ProcessEnv): Result<Environment, ConfigProblem[]> {
  const parsed = environmentSchema.safeParse(env);
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

const apiUrl = (value: Environment) => (value.DISCORD_API_URL ?? DISCORD_API_DEFAULT).replace(/\/+$/, '');

/** Reads the environment once. Problems name the variable and what is expected, never its value. */
export function readConfig(env: NodeJS.ProcessEnv): Result<Config, ConfigProblem[]> {
  const parsed = parseEnvironment(env);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  return ok({
    discordToken: value.DISCORD_TOKEN,
    discordApiUrl: apiUrl(value),
    storeUrl: value.STORE_URL ?? STORE_URL_DEFAULT,
    logLevel: value.LOG_LEVEL ?? 'info',
    devGuildId: value.DEV_GUILD_ID,
  });
}

/** The REST proxy's settings, through the same schema: DISCORD_API_URL is its upstream here. */
export function readProxyConfig(env: NodeJS.ProcessEnv): Result<ProxyConfig, ConfigProblem[]> {
  const parsed = parseEnvironment(env);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  return ok({
    discordToken: value.DISCORD_TOKEN,
    discordApiUrl: apiUrl(value),
    host: value.PROXY_HOST ?? PROXY_HOST_DEFAULT,
    port: value.PROXY_PORT ?? PROXY_PORT_DEFAULT,
    logLevel: value.LOG_LEVEL ?? 'info',
  });
}
