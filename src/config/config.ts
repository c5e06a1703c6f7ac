import { z } from 'zod';
import { err, ok, type Result } from '../domain/result.ts';

export const DISCORD_API_DEFAULT = 'https://discord.com/api';
export const STORE_URL_DEFAULT = 'sqlite://data/helper-circle.sqlite';

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
  DISCORD_API_URL: optional(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://discord.com/api' }),
  ),
  STORE_URL: optional(
    z.string().regex(/^sqlite:\/\/.+/, { error: 'must be a keyv SQLite URL such as sqlite://data/helper-circle.sqlite' }),
  ),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })),
  DEV_GUILD_ID: optional(z.string().regex(/^\d{17,20}$/, { error: 'must be a server (guild) id: 17 to 20 digits' })),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  readonly discordToken: string;
  readonly discordApiUrl: string;
  readonly storeUrl: string;
  readonly logLevel: LogLevel;
  readonly devGuildId: string | undefined;
}

export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

/** Reads the environment once. Problems name the variable and what is expected, never its value. */
export function readConfig(env: NodeJS.ProcessEnv): Result<Config, ConfigProblem[]> {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    return err(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        message: issue.message,
      })),
    );
  }
  const value = parsed.data;
  return ok({
    discordToken: value.DISCORD_TOKEN,
    discordApiUrl: (value.DISCORD_API_URL ?? DISCORD_API_DEFAULT).replace(/\/+$/, ''),
    storeUrl: value.STORE_URL ?? STORE_URL_DEFAULT,
    logLevel: value.LOG_LEVEL ?? 'info',
    devGuildId: value.DEV_GUILD_ID,
  });
}
