/**
 * Injected failures and Discord's global rate limit, decided before a request reaches its route.
 */

export interface FailNextInput {
  /** Matched against both `METHOD /actual/path` and the route template `METHOD /channels/:id/messages`. */
  route?: string | RegExp;
  status: 429 | 500 | 502 | 503;
  retryAfterSeconds?: number;
  global?: boolean;
  times?: number;
}

export interface FaultResponse {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  reason: string;
}

interface PendingFault extends FailNextInput {
  remaining: number;
}

/** What the global limit saw for one bot token (`Sandbox.globalRateLimit()`). */
export interface GlobalLimitStats {
  /** The enforced requests per second, or undefined when the limit is off (nothing is counted then). */
  readonly limit: number | undefined;
  /** Requests counted against the budget and let through. */
  readonly admitted: number;
  /** Requests answered 429 `{global: true}`. */
  readonly refused: number;
  /** The most requests admitted within one second (sliding): never above `limit`. */
  readonly peak: number;
}

/** One token's admitted requests of the last second, oldest first (a queue with a moving head). */
class TokenWindow {
  private times: number[] = [];
  private head = 0;
  admitted = 0;
  refused = 0;
  peak = 0;

  /** Forgets requests a second old or older; returns how many are left in the window. */
  size(now: number): number {
    while (this.head < this.times.length && now - this.times[this.head]! >= 1000) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  oldest(): number {
    return this.times[this.head]!;
  }

  admit(now: number): void {
    this.times.push(now);
    this.admitted++;
    this.peak = Math.max(this.peak, this.times.length - this.head);
  }
}

export class FaultInjector {
  private readonly pending: PendingFault[] = [];
  private readonly windows = new Map<string, TokenWindow>();

  constructor(private readonly globalRequestsPerSecond?: number) {}

  failNext(input: FailNextInput): void {
    this.pending.push({ ...input, remaining: input.times ?? 1 });
  }

  /** The injected failure for this request, if any (consumes one use). */
  take(method: string, path: string, route: string): FaultResponse | undefined {
    const actual = `${method} ${path}`;
    const index = this.pending.findIndex((f) => matches(f.route, actual, route));
    if (index < 0) return undefined;
    const fault = this.pending[index]!;
    if (--fault.remaining <= 0) this.pending.splice(index, 1);
    if (fault.status === 429) return rateLimited(fault.retryAfterSeconds ?? 0.5, fault.global ?? false, 'failNext');
    return {
      status: fault.status,
      body: { message: `${fault.status}: Injected failure`, code: 0 },
      headers: {},
      reason: 'failNext',
    };
  }

  /**
   * Discord's global limit (per bot, all routes but interaction callbacks), as a one-second sliding
   * window. It is kept per token, as on Discord: every client, connection, process or proxy that
   * presents the same token (`key`, the Authorization header) draws on one budget. Only counted when
   * the option is set, like a bot that has not been granted more.
   */
  checkGlobalLimit(key: string, now: number = Date.now()): FaultResponse | undefined {
    const limit = this.globalRequestsPerSecond;
    if (!limit) return undefined;
    let window = this.windows.get(key);
    if (!window) {
      window = new TokenWindow();
      this.windows.set(key, window);
    }
    if (window.size(now) >= limit) {
      window.refused++;
      const retryAfter = Math.max(0.001, (1000 - (now - window.oldest())) / 1000);
      return rateLimited(retryAfter, true, 'global-rate-limit');
    }
    window.admit(now);
    return undefined;
  }

  /** What the global limit counted for this key (the Authorization header). */
  globalLimitStats(key: string): GlobalLimitStats {
    const window = this.windows.get(key);
    return {
      limit: this.globalRequestsPerSecond,
      admitted: window?.admitted ?? 0,
      refused: window?.refused ?? 0,
      peak: window?.peak ?? 0,
    };
  }
}

function matches(pattern: string | RegExp | undefined, actual: string, route: string): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern === 'string') return pattern === actual || pattern === route;
  pattern.lastIndex = 0;
  if (pattern.test(actual)) return true;
  pattern.lastIndex = 0;
  return pattern.test(route);
}

function rateLimited(retryAfter: number, global: boolean, reason: string): FaultResponse {
  return {
    status: 429,
    body: { message: 'You are being rate limited.', retry_after: retryAfter, global },
    headers: {
      'Retry-After': String(retryAfter),
      'X-RateLimit-Scope': global ? 'global' : 'user',
      ...(global ? { 'X-RateLimit-Global': 'true' } : {}),
    },
    reason,
  };
}
