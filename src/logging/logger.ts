import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/config.ts';

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
 * The one structured logger (pino, JSON lines). Secrets are scrubbed from each finished line,
 * so they cannot leak through an error message or a library's object that we did not foresee.
 */
export function createLogger(options: LoggerOptions): Logger {
  const sink = options.sink ?? process.stdout;
  const secrets = (options.secrets ?? []).filter((secret) => secret.length >= 8);
  const destination: LogSink = {
    write(line) {
      let safe = line;
      for (const secret of secrets) safe = safe.replaceAll(secret, '[redacted]');
      sink.write(safe);
    },
  };
  return pino({ level: options.level, base: { app: 'helper-circle' } }, destination);
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
