import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/sandbox.ts';
import { addCircleGuild, type CircleGuild } from '../circle-guild.ts';

export type { CircleGuild } from '../circle-guild.ts';

/**
 * The multi-process world: the sandbox in the test process (Discord), and real programs in child
 * processes, each started as operators start them (`node --import tsx ...`): the REST proxy
 * (src/proxy/main.ts), bot processes (bot-process.ts: `npm start` with test knobs) and `npm start`
 * itself (src/main.ts). PostgreSQL is the one at TEST_POSTGRES_URL, a schema of its own per test.
 * Everything a test started is killed and dropped after it, whether it passed or not.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BOT_ENTRY = 'test/e2e/processes/bot-process.ts';
export const MAIN_ENTRY = 'src/main.ts';
const PROXY_ENTRY = 'src/proxy/main.ts';

/**
 * Each test starts several node processes: on a busy two-core machine a start alone can take ten
 * seconds, so these tests get more than the suite's 30 s default.
 */
export const TEST_TIMEOUT_MS = 120_000;

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** One pino line a child wrote on standard output. */
export interface LogLine {
  readonly msg?: string;
  readonly level?: number;
  readonly [field: string]: unknown;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A program running in a child process, with what it wrote. */
export class Program {
  readonly logs: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    let pending = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.trim() === '') continue;
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ msg: line });
        }
      }
      this.changed();
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.changed();
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        this.changed();
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** The first log line (already written or to come) matching `match`; fails if the program exits first. */
  waitForLog(match: string | ((line: LogLine) => boolean), timeoutMs = 30_000): Promise<LogLine> {
    const matches = typeof match === 'string' ? (line: LogLine) => line.msg === match : match;
    return this.waitFor(() => this.logs.find(matches), `a log line ${typeof match === 'string' ? JSON.stringify(match) : 'matching'}`, timeoutMs);
  }

  /** Sends the bot process its clock (see bot-process.ts). */
  setClockOffset(clockOffsetMs: number): void {
    // A process that just died may not have been reaped yet: its channel is gone, and so is its clock.
    if (this.running && this.child.connected) this.child.send({ clockOffsetMs }, () => undefined);
  }

  /** SIGKILL without waiting (the test process is exiting). */
  killNow(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  /** SIGKILL: the process dies at once, as a crashed machine's would, writing nothing more. */
  async kill9(): Promise<Exit> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** What it wrote, for a failure message. */
  describe(): string {
    const tail = this.logs
      .slice(-15)
      .map((line) => JSON.stringify(line))
      .join('\n');
    return `${this.name} (pid ${this.child.pid}, ${this.exit ? `exited ${this.exit.code ?? this.exit.signal}` : 'running'})\n--- last log lines\n${tail}\n--- stderr\n${this.stderr.slice(-2_000)}`;
  }

  private waitFor<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found !== undefined) return done(() => resolve(found));
        if (this.exit) return done(() => reject(new Error(`${this.name} exited before ${what}:\n${this.describe()}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what} from ${this.describe()}`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** The environment a child starts from: nothing of the test runner's but what any program needs. */
function baseEnvironment(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  return Object.fromEntries(keep.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]]));
}

export interface Processes {
  readonly sandbox: Sandbox;
  /** `postgresql://...?schema=<this test's schema>`. */
  readonly storeUrl: string;
  readonly schema: string;
  /** The REST proxy's `http://HOST:PORT/api`, once started. */
  proxyApiUrl(): string;
  startProxy(): Promise<Program>;
  /** A bot process: bot-process.ts through the proxy (or `apiUrl`), on this test's PostgreSQL schema unless `env` says otherwise. */
  startBot(name: string, env?: Record<string, string>): Program;
  /** `npm start` itself (src/main.ts), with only `env` (and the sandbox's token and API unless given). */
  startMain(name: string, env: Record<string, string>): Program;
  /** Moves every bot process's clock (those started later start with it too). */
  setClockOffset(clockOffsetMs: number): void;
  addCircleGuild(name: string, shard?: readonly [number, number]): CircleGuild;
  /** A path to this test's PostgreSQL schema that the test can cut (see {@link DatabaseLink}). */
  linkToDatabase(): Promise<DatabaseLink>;
}

export interface ProcessesOptions {
  readonly sandbox?: SandboxOptions;
  readonly meetingMinuteMs?: number;
  readonly scheduleTickMs?: number;
}

/**
 * For a test file: a sandbox, a PostgreSQL schema and child processes per test, all gone after it
 * (children killed with SIGKILL, then the schema dropped, then the sandbox closed), even on failure.
 */
export function processesClosedAfterEach(): (options?: ProcessesOptions) => Promise<Processes> {
  const programs: Program[] = [];
  // Should the test worker itself stop before afterEach (a timeout, a crash), its children go with it.
  process.once('exit', () => {
    for (const program of programs) program.killNow();
  });
  const sandboxes: Sandbox[] = [];
  const schemas: string[] = [];
  const links: DatabaseLink[] = [];
  afterEach(async (context) => {
    const ending = programs.splice(0);
    await Promise.all(ending.map((program) => program.kill9()));
    // A failed test shows what each of its programs said: the only view into another process.
    if (context.task.result?.state === 'fail') for (const program of ending) process.stderr.write(`\n${program.describe()}\n`);
    await Promise.all(links.splice(0).map((link) => link.close()));
    await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.close()));
    const dropping = schemas.splice(0);
    if (dropping.length === 0) return;
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      for (const schema of dropping) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });

  let count = 0;
  return async (options = {}) => {
    // Several bot processes share two cores with the test (and often with other test files): a first
    // answer may take longer than Discord's 3 s here, and a heartbeat come later than the sandbox's
    // usual 500 ms (discord.js would take the connection for dead and resume it), without anything
    // being wrong across processes, which is what these tests are about (deadlines and resuming are
    // tested in test/e2e/ and test/sandbox/).
    const sandbox = await startSandbox({ interactionDeadlineMs: 10_000, heartbeatIntervalMs: 5_000, ...options.sandbox });
    sandboxes.push(sandbox);
    count += 1;
    const schema = `hc_e2e_${process.pid}_${Date.now().toString(36)}_${count}`;
    schemas.push(schema);
    const storeUrl = `${POSTGRES_URL}?schema=${schema}`;
    let proxyApiUrl: string | undefined;
    let clockOffsetMs = 0;
    const bots: Program[] = [];

    // The programs run in an empty folder: `npm start` and `npm run proxy` read a `.env` from where they
    // run, and a developer's own beside package.json must not reach a test.
    const cwd = mkdtempSync(join(tmpdir(), 'hc-processes-'));
    const start = (name: string, entry: string, env: Record<string, string>): Program => {
      const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, entry)], {
        cwd,
        env: { ...baseEnvironment(), ...env },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      const program = new Program(name, child);
      programs.push(program);
      return program;
    };

    return {
      sandbox,
      storeUrl,
      schema,
      proxyApiUrl() {
        if (!proxyApiUrl) throw new Error('The REST proxy is not started');
        return proxyApiUrl;
      },
      async startProxy() {
        const proxy = start('rest proxy', PROXY_ENTRY, {
          DISCORD_TOKEN: sandbox.token,
          DISCORD_API_URL: sandbox.apiUrl,
          PROXY_HOST: '127.0.0.1',
          PROXY_PORT: '0',
          LOG_LEVEL: 'info',
        });
        proxyApiUrl = String((await proxy.waitForLog('REST proxy listening')).apiUrl);
        return proxy;
      },
      startBot(name, env = {}) {
        const bot = start(name, BOT_ENTRY, {
          DISCORD_TOKEN: sandbox.token,
          DISCORD_API_URL: proxyApiUrl ?? sandbox.apiUrl,
          STORE_URL: storeUrl,
          LOG_LEVEL: 'info',
          HC_TEST_CLOCK_OFFSET_MS: String(clockOffsetMs),
          ...(options.meetingMinuteMs ? { HC_TEST_MEETING_MINUTE_MS: String(options.meetingMinuteMs) } : {}),
          ...(options.scheduleTickMs ? { HC_TEST_SCHEDULE_TICK_MS: String(options.scheduleTickMs) } : {}),
          // A standby retries, and an owner checks its leases, several times a second: failover in a test takes moments, not seconds.
          HC_TEST_LEASE_RETRY_MS: '250',
          HC_TEST_LEASE_CHECK_MS: '500',
          ...env,
        });
        bots.push(bot);
        return bot;
      },
      startMain(name, env) {
        return start(name, MAIN_ENTRY, { DISCORD_TOKEN: sandbox.token, DISCORD_API_URL: sandbox.apiUrl, LOG_LEVEL: 'info', ...env });
      },
      setClockOffset(offsetMs) {
        clockOffsetMs = offsetMs;
        for (const bot of bots) bot.setClockOffset(offsetMs);
      },
      async linkToDatabase() {
        const link = await databaseLink(storeUrl);
        links.push(link);
        return link;
      },
      addCircleGuild: (name, shard) => addCircleGuild(sandbox, name, shard),
    };
  };
}

/**
 * A TCP path to PostgreSQL that a test can cut, as a network failure or a database restart would: bot
 * processes reach the database through it. Only this test's connections go through it, so other tests
 * on the same server are untouched.
 */
export interface DatabaseLink {
  /** The test's STORE_URL, through the link. */
  readonly storeUrl: string;
  /**
   * Drops the store's connections and refuses new ones until {@link restore}, but leaves the shard-lease
   * session alone (told apart by its application_name): the database out of reach for queries while the
   * process still holds its shards, as when PostgreSQL refuses connections (too many clients, a pooler
   * in between restarting) or ends the store's sessions.
   */
  cutStore(): void;
  /** Drops every connection, the shard lease's too, and refuses new ones until {@link restore}: the database gone. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** What the lease session says in its startup message (src/store/shard-leases.ts). */
const LEASE_APPLICATION = 'helper-circle shard lease';

async function databaseLink(storeUrl: string): Promise<DatabaseLink> {
  const target = new URL(storeUrl);
  const storeSockets = new Set<Socket>();
  const all = new Set<Socket>();
  let storeOpen = true;
  let leaseOpen = true;
  const server = createServer((client) => {
    all.add(client);
    client.on('close', () => all.delete(client));
    client.on('error', () => undefined);
    // The first packet is the startup message (no TLS here): it names the session's application.
    client.once('data', (startup: Buffer) => {
      const lease = startup.includes(LEASE_APPLICATION);
      if (!(lease ? leaseOpen : storeOpen)) {
        client.destroy();
        return;
      }
      const upstream = connect(Number(target.port || 5432), target.hostname);
      all.add(upstream);
      upstream.on('error', () => undefined);
      // A dropped side takes the other with it, as a broken network path does.
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => {
        all.delete(upstream);
        client.destroy();
      });
      if (!lease) {
        storeSockets.add(client);
        client.on('close', () => storeSockets.delete(client));
      }
      upstream.write(startup);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const through = new URL(storeUrl);
  through.hostname = '127.0.0.1';
  through.port = String((server.address() as AddressInfo).port);
  return {
    storeUrl: through.toString(),
    cutStore() {
      storeOpen = false;
      for (const socket of storeSockets) socket.destroy();
    },
    cut() {
      storeOpen = false;
      leaseOpen = false;
      for (const socket of all) socket.destroy();
    },
    restore() {
      storeOpen = true;
      leaseOpen = true;
    },
    async close() {
      storeOpen = false;
      leaseOpen = false;
      for (const socket of all) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
