import { startHelperCircle, type StartOptions } from './app.ts';
import { describeConfigProblems, readConfig, type ConfigProblem } from './config/config.ts';
import { BOT_PERMISSIONS } from './discord/bot-permissions.ts';
import { createLogger } from './logging/logger.ts';
import { redactTokens } from './logging/safe-error.ts';

/** What a caller may add to a bot process's start: everything but what the process itself sets up. */
export type BotProcessOptions = Omit<StartOptions, 'config' | 'logger' | 'signal' | 'onShardsLost'>;

/**
 * One bot process, as `npm start` runs it (src/main.ts) and the multi-process tests run it with their
 * knobs (test/e2e/processes/bot-process.ts): reads the environment once, starts the bot, stops
 * gracefully on SIGINT/SIGTERM, and exits for the supervisor to restart it when its shards are lost.
 */
export async function runBotProcess(options: BotProcessOptions = {}): Promise<void> {
  const config = readConfig(process.env);
  if (!config.ok) {
    process.stderr.write(configHelp(config.error));
    process.exit(1);
  }
  const logger = createLogger({ level: config.value.logLevel, secrets: [config.value.discordToken] });
  // User input must never crash the process; anything that slips past the router is logged instead.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  // Signals are handled from the very start: a SIGTERM during start-up stops the bot as soon as it is up.
  let stopRequested: string | undefined;
  let bot: Awaited<ReturnType<typeof startHelperCircle>> | undefined;
  // A standby waits for its shards; a signal then ends the wait (there is nothing else to stop yet).
  const waiting = new AbortController();
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    stopRequested = signal;
    waiting.abort();
    if (!bot) return;
    bot.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  try {
    bot = await startHelperCircle({
      ...options,
      config: config.value,
      logger,
      signal: waiting.signal,
      onShardsLost: (reason) => {
        // Another process serves these shards now: exit for the supervisor to restart this one, as a standby.
        process.stderr.write(`Helper Circle stopped serving: ${reason.message} Restarted, it waits as a standby.\n`);
        process.exit(1);
      },
    });
  } catch (error) {
    if (stopRequested && waiting.signal.aborted && error === waiting.signal.reason) process.exit(0);
    logger.fatal({ err: error }, 'Helper Circle could not start');
    // The same in plain words for whoever started it (the store it could not open, ...), the token replaced.
    const reason = redactTokens((error instanceof Error ? error.message : String(error)).replaceAll(config.value.discordToken, '[redacted]'));
    process.stderr.write(`Helper Circle could not start: ${reason}\n`);
    process.exit(1);
  }
  if (stopRequested) shutdown(stopRequested);
}

function configHelp(problems: readonly ConfigProblem[]): string {
  const tokenMissing = problems.some((problem) => problem.variable === 'DISCORD_TOKEN');
  const guide = tokenMissing
    ? `
To run Helper Circle on Discord:
  1. Create an application at https://discord.com/developers/applications, open "Bot", and copy its token.
     No privileged gateway intents are needed: leave Presence, Server Members and Message Content off.
  2. Put the token in a .env file beside package.json:  DISCORD_TOKEN=your-token  (see .env.example)
  3. Invite the bot with this link, putting your application id in place of APP_ID:
     https://discord.com/oauth2/authorize?client_id=APP_ID&scope=bot+applications.commands&permissions=${BOT_PERMISSIONS.bitfield}
  4. Run npm start again, then use /circle setup in your server.

To try Helper Circle without Discord or a token:  npm run demo
`
    : '';
  return `Helper Circle cannot start: the environment is not right.\n${describeConfigProblems(problems)}\n${guide}`;
}
