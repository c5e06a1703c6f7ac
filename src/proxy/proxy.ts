/**
 * The REST proxy (`npm run proxy`): every process of one bot (each shard, on any machine) sends its REST
 * requests here instead of to Discord, so the bot token's global budget (Discord: 50 requests/s) and
 * its route buckets are counted in one place, as Discord counts them. Built on @discordjs/proxy, which
 * forwards each request through one @discordjs/rest instance and the request's own Authorization header.
 *
 * The global budget is paced here, before a request is forwarded ({@link GlobalBudget}): a request
 * waits its turn, first come first served whichever process sent it, for at most `maxWaitMs`; when
 * more is queued than that, the caller gets a global 429 with `Retry-After` and discord.js pauses and
 * retries. @discordjs/rest's own global limit is off: it counts fixed one-second windows, which let
 * twice the budget through around a window's edge, and Discord counts a sliding second.
 *
 * Otherwise set up as discord.js's own proxy container is:
 * - `rejectOnRateLimit`: when a route bucket is spent (or Discord answers 429), the caller gets a 429
 *   with `Retry-After` and retries after it, as discord.js does. The proxy never retries a forwarded
 *   request itself: it streams request bodies through, so a retried body would already be used up.
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
  /** The token's global budget (Discord: 50 requests/s). */
  readonly globalRequestsPerSecond?: number;
  /** The longest a request waits here for the global budget; beyond it the caller gets a 429 (default 5 s, well under discord.js's 15 s request timeout). */
  readonly maxWaitMs?: number;
}

export interface RestProxy {
  /** `http://HOST:PORT/api`: what each bot process takes as its DISCORD_API_URL. */
  readonly apiUrl: string;
  /** The one REST instance every request goes through (its rate-limit state is the shared one). */
  readonly rest: REST;
  close(): Promise<void>;
}

export async function startRestProxy(options: RestProxyOptions): Promise<RestProxy> {
  // The global budget is the proxy's own (below); @discordjs/rest still honours Discord's global 429s.
  const rest = new REST({ api: options.discordApiUrl, rejectOnRateLimit: () => true, retries: 0, globalRequestsPerSecond: Number.POSITIVE_INFINITY });
  const forward = proxyRequests(rest);
  const expectedAuthorization = `Bot ${options.token}`;
  const perSecond = options.globalRequestsPerSecond ?? 50;
  const budget = new GlobalBudget(perSecond);
  const maxQueued = Math.max(1, Math.floor((perSecond * (options.maxWaitMs ?? 5_000)) / 1000));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const authorization = req.headers.authorization;
    if (authorization !== undefined && authorization !== expectedAuthorization) {
      req.resume();
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: '401: Unauthorized (this proxy serves one bot token)', code: 0 }));
      return;
    }
    // Requests with the token count against the global budget; callbacks and webhooks do not, on Discord too.
    let release: ((sent: boolean) => void) | undefined;
    if (authorization !== undefined) {
      if (budget.queued >= maxQueued) {
        req.resume();
        // Back when half the queue has gone: the caller's retry joins a queue that has not run dry.
        const retryAfter = Math.max(0.05, (budget.queued - maxQueued / 2) / perSecond);
        res.writeHead(429, {
          'Content-Type': 'application/json',
          'Retry-After': String(retryAfter),
          'X-RateLimit-Global': 'true',
          'X-RateLimit-Scope': 'global',
        });
        res.end(JSON.stringify({ message: 'You are being rate limited.', retry_after: retryAfter, global: true }));
        return;
      }
      release = await budget.take();
      // The caller gave up while it waited (its own timeout): nothing was sent, the turn goes to the next.
      if (req.destroyed || res.destroyed) {
        release(false);
        return;
      }
    }
    // @discordjs/proxy ends the response itself, also when the upstream failed without an answer it
    // recognises (a network error): this status is what the caller then sees, not an empty 200.
    res.statusCode = 502;
    try {
      await forward(req, res);
    } catch (error) {
      options.onError?.(error, { method: req.method ?? 'GET', route: routeOf(req.url ?? '/') });
      if (!res.writableEnded) res.end();
    } finally {
      release?.(true);
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

/**
 * The token's global budget as Discord counts it: at most `perSecond` requests in any second. A request
 * holds a place from when it is forwarded until one second after its answer came back, the latest
 * moment Discord can have counted it, so however late Discord sees a request, the requests it counts
 * in a second never exceed the budget (a request's round trip is all this costs). Requests wait in the
 * order they came.
 */
export class GlobalBudget {
  private inFlight = 0;
  /** When each answered request's place frees, ascending. */
  private readonly frees: number[] = [];
  private readonly waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Requests waiting for their turn. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Resolves when the request may be forwarded, with what to call once it is answered (`sent` false:
   * it was not forwarded after all, and its place frees at once).
   */
  take(): Promise<(sent: boolean) => void> {
    if (this.waiting.length === 0 && this.used() < this.perSecond) return Promise.resolve(this.admit());
    return new Promise((resolve) => {
      this.waiting.push(() => resolve(this.admit()));
      this.arm();
    });
  }

  /** Takes a place now (the caller checked there is one). */
  private admit(): (sent: boolean) => void {
    this.inFlight += 1;
    let done = false;
    return (sent) => {
      if (done) return;
      done = true;
      this.inFlight -= 1;
      if (sent) this.frees.push(this.now() + 1000);
      this.pump();
    };
  }

  private used(): number {
    const now = this.now();
    while (this.frees.length > 0 && this.frees[0]! <= now) this.frees.shift();
    return this.inFlight + this.frees.length;
  }

  /** Lets waiting requests go while there is room; places are taken synchronously, so none is given twice. */
  private pump(): void {
    while (this.waiting.length > 0 && this.used() < this.perSecond) this.waiting.shift()!();
    this.arm();
  }

  /** With requests waiting and no room, wakes when the next place frees (an answer coming back also wakes it). */
  private arm(): void {
    if (this.timer || this.waiting.length === 0 || this.frees.length === 0) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.max(0, this.frees[0]! - this.now()) + 1,
    );
  }
}
