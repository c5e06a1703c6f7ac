/**
 * What an error may say in a log line. Members in distress use this bot: a failed Discord call must
 * not put their words (request bodies, exported files) or an interaction's token into the log.
 *
 * discord.js's DiscordAPIError and HTTPError carry the whole request (`requestBody`: JSON and files),
 * the full `url` (for interaction callbacks and webhooks it contains the interaction token) and
 * Discord's raw answer, whose field errors may quote the values sent. So this serializer keeps only
 * what an operator needs to find the failure (name, a safe message, code, status, method, the route
 * with its token segments replaced, the stack frames, causes) and drops everything else by default:
 * a field we did not foresee is left out, never let through.
 */

export interface SafeError {
  type: string;
  message: string;
  name?: string;
  code?: string | number;
  status?: number;
  method?: string;
  /** The API path without host, version or query, token segments replaced: `/interactions/1/[token]/callback`. */
  route?: string;
  /** For a refused form body: which fields and why (`content[BASE_TYPE_MAX_LENGTH]`), never the values. */
  invalidFields?: string[];
  retryAfter?: number;
  global?: boolean;
  scope?: string;
  stack?: string;
  cause?: SafeError;
  errors?: SafeError[];
}

export const TOKEN_PLACEHOLDER = '[token]';
const WITHHELD = '[withheld: may quote a member]';
const MAX_DEPTH = 5;
const MAX_NESTED = 10;
const MAX_FIELDS = 20;
const MAX_MESSAGE = 500;

/**
 * Token segments of Discord paths: `/interactions/:id/:token/...` and `/webhooks/:appId/:token/...`,
 * and interaction tokens themselves, which start with base64 "interaction:".
 */
const TOKEN_SEGMENT = /(\/(?:interactions|webhooks)\/\d+\/)(?!\[token\])[^/?#\s"'\\]+/g;
const INTERACTION_TOKEN = /aW50ZXJhY3Rpb246[A-Za-z0-9_\-:.]*/g;

/** Replaces interaction and webhook tokens in any text (a path, a URL, a whole log line). */
export function redactTokens(textValue: string): string {
  return textValue.replace(TOKEN_SEGMENT, `$1${TOKEN_PLACEHOLDER}`).replace(INTERACTION_TOKEN, TOKEN_PLACEHOLDER);
}

/** `https://discord.com/api/v10/webhooks/1/abc/messages/@original?wait=true` → `/webhooks/1/[token]/messages/@original`. */
export function safeRoute(url: string): string {
  let path = url;
  try {
    path = new URL(url, 'http://route.invalid').pathname;
  } catch {
    path = url.split(/[?#]/)[0] ?? '';
  }
  path = path.replace(/^\/api(?:\/v\d+)?(?=\/)/, '');
  return redactTokens(path);
}

/** pino's `serializers.err`: anything thrown (or logged as `err`) to a {@link SafeError}. */
export function serializeError(value: unknown): SafeError {
  return describe(value, 0, new WeakSet());
}

function describe(value: unknown, depth: number, seen: WeakSet<object>): SafeError {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    return { type: typeof value, message: clip(redactTokens(String(value))) };
  }
  const error = value as Record<string, unknown>;
  if (seen.has(error)) return { type: 'Circular', message: '[circular]' };
  seen.add(error);

  const type = constructorName(error);
  const name = typeof error.name === 'string' ? error.name : undefined;
  const message = safeMessage(error);
  const out: SafeError = { type, message };
  if (name && name !== type) out.name = redactTokens(name);
  if (typeof error.code === 'string' || typeof error.code === 'number') out.code = error.code;
  if (typeof error.status === 'number') out.status = error.status;
  if (typeof error.method === 'string') out.method = error.method;
  if (typeof error.url === 'string') out.route = safeRoute(error.url);
  else if (typeof error.route === 'string') out.route = safeRoute(error.route);
  const rawError = error.rawError as Record<string, unknown> | undefined;
  if (rawError && typeof rawError === 'object' && rawError.errors && typeof rawError.errors === 'object') {
    const fields = [...invalidFields(rawError.errors, '')].slice(0, MAX_FIELDS);
    if (fields.length > 0) out.invalidFields = fields;
  }
  // Rate limit errors: when to retry matters; their `majorParameter` may hold a webhook token and is left out.
  if (typeof error.retryAfter === 'number') out.retryAfter = error.retryAfter;
  if (typeof error.global === 'boolean') out.global = error.global;
  if (typeof error.scope === 'string') out.scope = error.scope;
  if (typeof error.stack === 'string') out.stack = safeStack(name ?? type, message, error.stack);

  if (depth < MAX_DEPTH) {
    if (error.cause !== undefined) out.cause = describe(error.cause, depth + 1, seen);
    if (Array.isArray(error.errors)) {
      out.errors = error.errors.slice(0, MAX_NESTED).map((inner: unknown) => describe(inner, depth + 1, seen));
    }
  }
  return out;
}

/**
 * Discord REST errors: only Discord's own top-level message ("Missing Permissions", "Invalid Form Body");
 * discord.js appends each field error, and those can quote the value sent. An expected failure shown to a
 * member (it carries `userMessage`) may quote their words: withheld. Anything else: its own message.
 */
function safeMessage(error: Record<string, unknown>): string {
  if ('userMessage' in error) return WITHHELD;
  if ('rawError' in error) {
    const raw = error.rawError as Record<string, unknown> | undefined;
    const top = typeof raw?.message === 'string' ? raw.message : typeof raw?.error === 'string' ? raw.error : undefined;
    return clip(redactTokens(top ?? firstLine(String(error.message ?? ''))));
  }
  return clip(redactTokens(typeof error.message === 'string' ? error.message : ''));
}

/** The first line rebuilt from the safe message, then only the `at ...` frames (the original header may quote values). */
function safeStack(name: string, message: string, stack: string): string {
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  return redactTokens([`${name}: ${message}`, ...frames].join('\n'));
}

/** Discord's nested `errors` object to `path[CODE]` entries: the keys and codes, never the messages. */
function* invalidFields(node: unknown, path: string): Generator<string> {
  if (!node || typeof node !== 'object') return;
  for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
    if (key === '_errors' && Array.isArray(child)) {
      for (const entry of child) {
        const code = (entry as { code?: unknown } | null)?.code;
        yield `${path || '(body)'}[${typeof code === 'string' && /^[A-Z0-9_]+$/.test(code) ? code : 'UNKNOWN'}]`;
      }
    } else if (/^[A-Za-z0-9_]+$/.test(key)) {
      yield* invalidFields(child, /^\d+$/.test(key) ? `${path}[${key}]` : path ? `${path}.${key}` : key);
    }
  }
}

function constructorName(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name.length > 0 ? name : 'Object';
}

function firstLine(textValue: string): string {
  return textValue.split('\n', 1)[0] ?? '';
}

function clip(textValue: string): string {
  return textValue.length > MAX_MESSAGE ? `${textValue.slice(0, MAX_MESSAGE)}…` : textValue;
}
