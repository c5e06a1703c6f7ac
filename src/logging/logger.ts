import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/config.ts';
import { redactTokens, serializeError } from './safe-error.ts';

export type { Logger };

export interface LogSink {
  write(line: string): void;
}

export interface LoggerOptions {
  readonly level: LogLevel | 'silent';
  /** Values that must never reach a log line (the bot token). Scrubbed from the final output. */
  readonly secrets?: readonly string[];
  /** Where lines go; standard output by default. Tests pass a collector. */
  readonly sink?: LogSink;
}

/**
 * Field names that hold, or could hold, a member's words, an export or a token. Call sites log ids and
 * stable keys instead; this is the second line of defence should one slip in (top level or one level
 * down). `message` is censored at the top level only: an error's message is made safe by its serializer.
 */
const MEMBER_WORD_FIELDS = ['content', 'topic', 'text', 'note', 'notes', 'comment', 'reason', 'files', 'attachments', 'requestBody', 'body', 'token'];
export const REDACTED_PATHS: readonly string[] = [...MEMBER_WORD_FIELDS, ...MEMBER_WORD_FIELDS.map((field) => `*.${field}`), 'message'];

/**
 * The one structured logger (pino, JSON lines). Members' words, exports and tokens never reach it:
 * errors go through {@link serializeError} (route, status and code kept; request bodies, files and
 * token segments dropped), fields named like member text are censored, and each finished line is
 * scrubbed of secrets (the bot token) and interaction tokens, so they cannot leak through a library's
 * object that we did not foresee.
 */
export function createLogger(options: LoggerOptions): Logger {
  const sink = options.sink ?? process.stdout;
  const secrets = (options.secrets ?? []).filter((secret) => secret.length >= 8);
  const destination: LogSink = {
    write(line) {
      let safe = line;
      for (const secret of secrets) safe = safe.replaceAll(secret, '[redacted]');
      sink.write(redactTokens(safe));
    },
  };
  return pino(
    {
      level: options.level,
      base: { app: 'helper-circle' },
      serializers: { err: serializeError, error: serializeError },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    },
    destination,
  );
}

/** Collects log lines in memory: for tests and benchmarks that read what was logged. */
export class MemoryLogSink implements LogSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  entries(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
