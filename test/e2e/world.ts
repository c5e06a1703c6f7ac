import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterEach } from 'vitest';
import { startHelperCircle, type RunningBot } from '../../src/app.ts';
import type { Config } from '../../src/config/config.ts';
import type { HelpRules } from '../../src/config/help-rules.ts';
import { createLogger, MemoryLogSink } from '../../src/logging/logger.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox.ts';
import { addCircleGuild, type CircleGuild } from './circle-guild.ts';

/**
 * A small Discord world for end-to-end tests: one server with a circle channel, a moderators'
 * channel, a moderator role, a server manager, a moderator and a plain member; and the real bot
 * (real discord.js client, real SQLite file) connected to it through the sandbox.
 */
export interface World extends CircleGuild {
  readonly sandbox: Sandbox;
  readonly storeUrl: string;
  readonly logs: MemoryLogSink;
  bot: RunningBot;
  /**
   * Stops the bot (gracefully) and starts a new one on the same store and sandbox; `whileDown` runs in
   * between (to let time pass, or to leave the store as a crash would).
   */
  restart(whileDown?: () => Promise<void>): Promise<RunningBot>;
  close(): Promise<void>;
}

export interface WorldOptions {
  readonly sandbox?: SandboxOptions;
  readonly deferAfterMs?: number;
  readonly devGuild?: boolean;
  readonly helpRules?: HelpRules;
  readonly now?: () => Date;
  /** How long a meeting "minute" lasts; tests that wait for rounds use a few hundred ms. */
  readonly meetingMinuteMs?: number;
  /** How often schedules are checked; schedule tests tick every few hundred ms. */
  readonly scheduleTickMs?: number;
}

export async function createWorld(options: WorldOptions = {}): Promise<World> {
  const sandbox = await startSandbox(options.sandbox);
  const guild = addCircleGuild(sandbox, 'Riverside Circle');
  const storeUrl = `sqlite://${join(mkdtempSync(join(tmpdir(), 'hc-e2e-')), 'helper-circle.sqlite')}`;
  const logs = new MemoryLogSink();
  const config: Config = {
    discordToken: sandbox.token,
    discordApiUrl: sandbox.apiUrl,
    storeUrl,
    logLevel: 'debug',
    devGuildId: options.devGuild ? guild.guildId : undefined,
  };
  const start = () =>
    startHelperCircle({
      config,
      deferAfterMs: options.deferAfterMs,
      helpRules: options.helpRules,
      now: options.now,
      meetingMinuteMs: options.meetingMinuteMs,
      scheduleTickMs: options.scheduleTickMs,
      logger: createLogger({ level: 'debug', secrets: [sandbox.token], sink: logs }),
    });

  const world: World = {
    sandbox,
    ...guild,
    storeUrl,
    logs,
    bot: await start(),
    async restart(whileDown) {
      await world.bot.stop();
      await whileDown?.();
      world.bot = await start();
      return world.bot;
    },
    async close() {
      await world.bot.stop();
      await sandbox.close();
    },
  };
  return world;
}

/** Weekday and HH:MM in London for an instant: what an organizer types for it (`/schedule add`'s weekday and time). */
export function londonSlot(at: Date): { weekday: string; time: string } {
  const local = DateTime.fromJSDate(at, { zone: 'Europe/London' });
  return { weekday: local.toFormat('ccc').toLowerCase(), time: local.toFormat('HH:mm') };
}

/**
 * Real time plus an offset a test moves: timers keep running while the test jumps to a minute that
 * matters (a schedule's start, a reflection's slot). Pass `now` to createWorld.
 */
export function movableClock() {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    jumpTo(at: Date) {
      offsetMs = at.getTime() - Date.now();
    },
  };
}

/**
 * For a test file: opens worlds and closes every one after its test, so a failing test never leaves a
 * bot or sandbox running into the next. Call once at the top of the file.
 */
export function worldsClosedAfterEach(): (options?: WorldOptions) => Promise<World> {
  const open: World[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((world) => world.close()));
  });
  return async (options = {}) => {
    const world = await createWorld(options);
    open.push(world);
    return world;
  };
}
