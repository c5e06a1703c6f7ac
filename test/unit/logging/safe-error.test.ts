import { DiscordAPIError, HTTPError, RateLimitError, RESTJSONErrorCodes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../../../src/discord/reply.ts';
import { createLogger, MemoryLogSink } from '../../../src/logging/logger.ts';
import { redactTokens, safeRoute, serializeError } from '../../../src/logging/safe-error.ts';

const WORDS = 'I want to kill myself tonight';
const INTERACTION_TOKEN = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OkxvbmdTZWNyZXRQYXJ0';
const WEBHOOK_TOKEN = 'plainWebhookTokenWithoutPrefix_0123456789';
const API = 'https://discord.com/api/v10';

/** The request discord.js keeps on its errors: the JSON body and the files (an export, here). */
function requestData(content: string) {
  return {
    body: { type: 4, data: { content, embeds: [{ description: content }] } },
    files: [{ name: 'my-data.json', data: Buffer.from(JSON.stringify({ topic: content })) }],
  };
}

/** A real discord.js error for a refused interaction reply, with a field error that quotes the value. */
function refusedCallback(): DiscordAPIError {
  const rawError = {
    code: RESTJSONErrorCodes.InvalidFormBodyOrContentType,
    message: 'Invalid Form Body',
    errors: { data: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: `Value "${WORDS}" is too long.` }] } } },
  };
  return new DiscordAPIError(
    rawError,
    rawError.code,
    400,
    'POST',
    `${API}/interactions/123456789012345678/${INTERACTION_TOKEN}/callback?with_response=false`,
    requestData(WORDS),
  );
}

function logged(value: Record<string, unknown>): string {
  const sink = new MemoryLogSink();
  createLogger({ level: 'info', sink }).error(value, 'a failure');
  return sink.lines.join('\n');
}

describe('a failed Discord call in the log', () => {
  it('GIVEN a refused interaction reply WHEN serialized THEN neither the member words, the files nor the token are kept', () => {
    const text = JSON.stringify(serializeError(refusedCallback()));
    expect(text).not.toContain(WORDS);
    expect(text).not.toContain('kill myself');
    expect(text).not.toContain(INTERACTION_TOKEN);
    expect(text).not.toContain('my-data.json');
  });

  it('GIVEN a refused interaction reply WHEN serialized THEN the route, status, method, code and the invalid field names are kept', () => {
    const safe = serializeError(refusedCallback());
    expect(safe).toMatchObject({
      type: 'DiscordAPIError',
      name: 'DiscordAPIError[50035]',
      message: 'Invalid Form Body',
      code: 50035,
      status: 400,
      method: 'POST',
      route: '/interactions/123456789012345678/[token]/callback',
      invalidFields: ['data.content[BASE_TYPE_MAX_LENGTH]'],
    });
    expect(safe).not.toHaveProperty('requestBody');
    expect(safe).not.toHaveProperty('rawError');
    expect(safe).not.toHaveProperty('url');
  });

  it('GIVEN a refused interaction reply WHEN serialized THEN the stack keeps its frames under the safe message', () => {
    const stack = serializeError(refusedCallback()).stack ?? '';
    expect(stack.split('\n')[0]).toBe('DiscordAPIError[50035]: Invalid Form Body');
    expect(stack).toMatch(/\n\s+at /);
    expect(stack).not.toContain(WORDS);
  });

  it('GIVEN a failed webhook edit (HTTP 5xx) WHEN serialized THEN its route has the token replaced and its body is dropped', () => {
    const error = new HTTPError(
      503,
      'Service Unavailable',
      'PATCH',
      `${API}/webhooks/987654321098765432/${WEBHOOK_TOKEN}/messages/@original`,
      requestData(WORDS),
    );
    const safe = serializeError(error);
    expect(safe).toMatchObject({
      type: 'HTTPError',
      message: 'Service Unavailable',
      status: 503,
      method: 'PATCH',
      route: '/webhooks/987654321098765432/[token]/messages/@original',
    });
    expect(JSON.stringify(safe)).not.toContain(WEBHOOK_TOKEN);
    expect(JSON.stringify(safe)).not.toContain(WORDS);
  });

  it('GIVEN a rate limit on a follow-up WHEN serialized THEN the webhook token in its major parameter is not kept', () => {
    const error = new RateLimitError({
      timeToReset: 500,
      limit: 5,
      method: 'POST',
      hash: 'Global(POST:/webhooks/:id/:token)',
      url: `${API}/webhooks/987654321098765432/${WEBHOOK_TOKEN}`,
      route: '/webhooks/:id/:token',
      majorParameter: `987654321098765432/${WEBHOOK_TOKEN}`,
      global: false,
      retryAfter: 500,
      sublimitTimeout: 0,
      scope: 'user',
    });
    const safe = serializeError(error);
    expect(safe).toMatchObject({ route: '/webhooks/987654321098765432/[token]', retryAfter: 500, global: false, method: 'POST' });
    expect(JSON.stringify(safe)).not.toContain(WEBHOOK_TOKEN);
  });

  it('GIVEN a Discord error wrapped as a cause and inside an AggregateError WHEN serialized THEN the nested ones are made safe too', () => {
    const wrapped = new Error('could not post a help request', { cause: refusedCallback() });
    const aggregate = new AggregateError([wrapped, refusedCallback()], 'several posts failed');
    const safe = serializeError(aggregate);
    expect(safe.errors?.[0]?.cause).toMatchObject({ status: 400, route: '/interactions/123456789012345678/[token]/callback' });
    expect(safe.errors?.[1]).toMatchObject({ code: 50035 });
    const text = JSON.stringify(safe);
    expect(text).not.toContain(WORDS);
    expect(text).not.toContain(INTERACTION_TOKEN);
  });

  it('GIVEN an error that points at itself as its cause WHEN serialized THEN serialization ends', () => {
    const error = new Error('loop') as Error & { cause?: unknown };
    error.cause = error;
    expect(serializeError(error).cause).toMatchObject({ type: 'Circular' });
  });

  it('GIVEN an expected failure whose answer quotes the member WHEN serialized THEN its message is withheld', () => {
    const safe = serializeError(new UserFacingError(`You already asked about "${WORDS}"`));
    expect(safe.type).toBe('UserFacingError');
    expect(JSON.stringify(safe)).not.toContain(WORDS);
  });

  it('GIVEN a plain error of our own WHEN serialized THEN its message and stack are kept', () => {
    const safe = serializeError(new Error('Channel 42 is not a text channel the bot can post in'));
    expect(safe).toMatchObject({ type: 'Error', message: 'Channel 42 is not a text channel the bot can post in' });
    expect(safe.stack).toContain('at ');
  });
});

describe('routes and tokens', () => {
  it('GIVEN a full API URL with a query WHEN turned into a route THEN host, version and query go and the token is replaced', () => {
    expect(safeRoute(`${API}/webhooks/1234/${WEBHOOK_TOKEN}/messages/@original?thread_id=5`)).toBe('/webhooks/1234/[token]/messages/@original');
    expect(safeRoute(`${API}/channels/1234/messages`)).toBe('/channels/1234/messages');
  });

  it('GIVEN text holding an interaction token on its own WHEN redacted THEN the token is gone', () => {
    expect(redactTokens(`token=${INTERACTION_TOKEN} and more`)).toBe('token=[token] and more');
  });
});

describe('the logger', () => {
  it('GIVEN a Discord error logged as err WHEN the line is written THEN it carries route, status and code but not the words or token', () => {
    const line = logged({ err: refusedCallback(), requestId: 'r1' });
    const entry = JSON.parse(line) as { err: Record<string, unknown>; requestId: string };
    expect(entry.err).toMatchObject({ route: '/interactions/123456789012345678/[token]/callback', status: 400, code: 50035 });
    expect(entry.requestId).toBe('r1');
    expect(line).not.toContain(WORDS);
    expect(line).not.toContain(INTERACTION_TOKEN);
  });

  it('GIVEN fields named like member text WHEN logged THEN they are censored, at the top and one level down', () => {
    const line = logged({ content: WORDS, topic: WORDS, request: { topic: WORDS, note: WORDS }, files: [WORDS], message: WORDS, token: INTERACTION_TOKEN });
    expect(line).not.toContain(WORDS);
    expect(line).not.toContain(INTERACTION_TOKEN);
    expect(JSON.parse(line)).toMatchObject({ content: '[redacted]', request: { topic: '[redacted]' } });
  });

  it('GIVEN the bot token inside an error message WHEN logged THEN the line carries it redacted', () => {
    const sink = new MemoryLogSink();
    createLogger({ level: 'info', sink, secrets: ['the-bot-token-value'] }).error({ err: new Error('bad auth the-bot-token-value') }, 'x');
    expect(sink.lines.join('')).not.toContain('the-bot-token-value');
  });
});
