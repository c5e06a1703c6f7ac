import { existsSync } from 'node:fs';
import { describeConfigProblems, readProxyConfig } from '../config/config.ts';
import { createLogger } from '../logging/logger.ts';
import { startRestProxy } from './proxy.ts';

/**
 * `npm run proxy`: the one REST proxy of a bot token (README, "Running at scale"). Reads DISCORD_TOKEN,
 * DISCORD_API_URL (here: where Discord is, the proxy's upstream), PROXY_HOST, PROXY_PORT and LOG_LEVEL
 * through the project's one environment schema; stops on SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = readProxyConfig(process.env);
  if (!config.ok) {
    process.stderr.write(`The Helper Circle REST proxy cannot start: the environment is not right.\n${describeConfigProblems(config.error)}\n`);
    process.exit(1);
  }
  const { discordToken, discordApiUrl, host, port, logLevel } = config.value;
  const logger = createLogger({ level: logLevel, secrets: [discordToken] }).child({ component: 'rest-proxy' });
  let proxy: Awaited<ReturnType<typeof startRestProxy>>;
  try {
    proxy = await startRestProxy({
      discordApiUrl,
      token: discordToken,
      host,
      port,
      onError: (error, request) => logger.warn({ err: error, ...request }, 'a request to Discord failed without an answer'),
    });
  } catch (error) {
    logger.fatal({ err: error, host, port }, 'the REST proxy could not start');
    process.exit(1);
  }
  // The one line tests and operators read: where bot processes point DISCORD_API_URL.
  logger.info({ apiUrl: proxy.apiUrl, upstream: discordApiUrl }, 'REST proxy listening');
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    proxy.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

await main();
