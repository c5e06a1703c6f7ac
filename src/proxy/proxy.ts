/**
 * The REST proxy (`npm run proxy`): every process of one bot (each shard, on any machine) sends its REST
 * requests here instead of to Discord, so the bot token's global budget (Discord: 50 requests/s) and
 * its route buckets are counted in one place, as Discord counts them. Built on @discordjs/proxy, which
 * forwards each request through one @discordjs/rest instance and the request's own Authorization header.
 *
 * Set up as discord.js's own proxy container is:
 * - `rejectOnRateLimit`: when the shared budget or a bucket is spent, the caller gets a 429 with
 *   `Retry-After` and retries after it, as discord.js does. The proxy never waits and retries itself: it
 *   streams request bodies through, so a retried body would already be used up.
 * - `retries: 0`: for the same reason, a 5xx or a network failure goes back to the caller, which retries.
 *
 * One proxy per bot token, as @discordjs/proxy advises: a request carrying another token is refused with
 * 401 rather than drawn from this bot's budget. Requests without a token (interaction callbacks,
 * webhooks) are forwarded; Discord does not count them against the budget.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { proxyRequests } from '@discordjs/proxy';
// From @discordjs/rest itself (ESM), not discord.js's CommonJS re-export: @discordjs/proxy recognises
// Discord's errors with `instanceof` against this module's classes.
import { REST } from '@discordjs/rest';

export interface RestProxyOptions {
  /** Upstream API base without a version, e.g. `https://discord.com/api` (tests: the sandbox's). */
  readonly discordApiUrl: string;
  /** The one bot token this proxy serves. */
  readonly token: string;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * A forwarded request failed without an answer @discordjs/proxy recognises (a network error); the
   * caller got 502. `route` has its ids and tokens replaced (`/webhooks/:id/:token`).
   */
  readonly onError?: (error: unknown, request: { method: string; route: string }) => void;
}

export interface RestProxy {
  /** `http://HOST:PORT/api`: what each bot process takes as its DISCORD_API_URL. */
  readonly apiUrl: string;
  /** The one REST instance every request goes through (its rate-limit state is the shared one). */
  readonly rest: REST;
  close(): Promise<void>;
}

export async function startRestProxy(options: RestProxyOptions): Promise<RestProxy> {
  const rest = new REST({ api: options.discordApiUrl, rejectOnRateLimit: () => true, retries: 0 });
  const forward = proxyRequests(rest);
  const expectedAuthorization = `Bot ${options.token}`;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const authorization = req.headers.authorization;
    if (authorization !== undefined && authorization !== expectedAuthorization) {
      req.resume();
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: '401: Unauthorized (this proxy serves one bot token)', code: 0 }));
      return;
    }
    // @discordjs/proxy ends the response itself, also when the upstream failed without an answer it
    // recognises (a network error): this status is what the caller then sees, not an empty 200.
    res.statusCode = 502;
    try {
      await forward(req, res);
    } catch (error) {
      options.onError?.(error, { method: req.method ?? 'GET', route: routeOf(req.url ?? '/') });
      if (!res.writableEnded) res.end();
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    apiUrl: `http://${host}:${port}/api`,
    rest,
    async close() {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A request path without ids or tokens, fit for a log line: `/api/v10/interactions/:id/:token/callback`. */
export function routeOf(url: string): string {
  return new URL(url, 'http://proxy').pathname.replace(/\/(interactions|webhooks)\/(\d+)\/[^/]+/, '/$1/$2/:token').replace(/\d{16,}/g, ':id');
}
