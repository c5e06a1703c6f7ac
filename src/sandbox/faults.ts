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

export class FaultInjector {
  private readonly pending: PendingFault[] = [];
  private readonly recent: number[] = [];

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
   * Discord's global limit (per bot, all routes but interaction callbacks), as a one-second
   * sliding window. Only counted when the option is set, like a bot that has not been granted more.
   */
  checkGlobalLimit(now: number = Date.now()): FaultResponse | undefined {
    const limit = this.globalRequestsPerSecond;
    if (!limit) return undefined;
    while (this.recent.length > 0 && now - this.recent[0]! >= 1000) this.recent.shift();
    if (this.recent.length >= limit) {
      const retryAfter = Math.max(0.001, (1000 - (now - this.recent[0]!)) / 1000);
      return rateLimited(retryAfter, true, 'global-rate-limit');
    }
    this.recent.push(now);
    return undefined;
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
