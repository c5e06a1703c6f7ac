import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Events, type Client } from 'discord.js';
import type { Config } from './config/config.ts';
import { loadCrisisWords, loadHelpRules, type HelpRules } from './config/help-rules.ts';
import { DEFAULT_MEETING_FORMAT, loadMeetingFormats } from './config/meeting-formats.ts';
import { loadReflectionPrompts } from './config/reflection-prompts.ts';
import { closeRestConnections, createDiscordClient } from './discord/client.ts';
import { ownership } from './domain/shards.ts';
import { loadCommands } from './discord/command-loader.ts';
import { syncCommands, type SyncOutcome } from './discord/command-sync.ts';
import { InteractionRouter } from './discord/interaction-router.ts';
import { MeetingConductor } from './discord/meeting-conductor.ts';
import { TurnConductor } from './discord/turn-conductor.ts';
import { ScheduleConductor } from './discord/schedule-conductor.ts';
import { ReflectionConductor } from './discord/reflection-conductor.ts';
import { CrisisFollowUps } from './discord/crisis-follow-ups.ts';
import { postPendingHelp } from './discord/help-outbox.ts';
import { deliverPendingAlerts } from './discord/crisis-care.ts';
import { followChanges } from './discord/conductors.ts';
import { ChangeFeed } from './services/changes.ts';
import type { Logger } from './logging/logger.ts';
import { CircleService } from './services/circle-service.ts';
import { HelpService } from './services/help-service.ts';
import { MeetingService } from './services/meeting-service.ts';
import { TurnService } from './services/turn-service.ts';
import { ScheduleService } from './services/schedule-service.ts';
import { ReflectionService } from './services/reflection-service.ts';
import { PrivacyService } from './services/privacy-service.ts';
import { RetentionService } from './services/retention-service.ts';
import { SafetyService } from './services/safety-service.ts';
import { crisisAlertStore } from './store/crisis-alert-store.ts';
import { TaskService } from './services/task-service.ts';
import { MemberActions } from './services/member-actions.ts';
import { MinuteTicker } from './scheduler/minute-ticker.ts';
import { startRetentionPurge } from './scheduler/retention-purge.ts';
import type { Services } from './services/services.ts';
import { circleSettingsRepository } from './store/circle-settings-repository.ts';
import { GuildWriteQueue } from './store/guild-write-queue.ts';
import { GuildIndex, helpGuildIndex } from './store/guild-index.ts';
import { HelpRequestStore } from './store/help-request-store.ts';
import { LedgerStore } from './store/ledger-store.ts';
import { MeetingStore } from './store/meeting-store.ts';
import { ScheduleStore } from './store/schedule-store.ts';
import { ReflectionStore } from './store/reflection-store.ts';
import { MemberPrefsStore } from './store/member-prefs-store.ts';
import { openStore, type Store } from './store/sqlite-store.ts';
import { isPostgresUrl, openPostgresStore } from './store/postgres-store.ts';
import { acquireShardLeases, type ShardLeases } from './store/shard-leases.ts';
import { reportCorruptRecords } from './store/stored-record.ts';
import { TaskStore } from './store/task-store.ts';
import { upgradeStoredRecords } from './store/upgrade-records.ts';

export const COMMANDS_DIRECTORY = fileURLToPath(new URL('../commands/', import.meta.url));

export interface StartOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly commandsDirectory?: string;
  /** Defer an interaction when its handler has not answered by then (default 2 s). */
  readonly deferAfterMs?: number;
  readonly globalRequestsPerSecond?: number;
  /** Overrides data/help-rules.json (tests of thresholds). */
  readonly helpRules?: HelpRules;
  /** How long a meeting format's "minute" lasts (default 60 000 ms); the demo and tests use seconds. */
  readonly meetingMinuteMs?: number;
  /** How often schedules are checked (default each minute, on the minute); tests use less. */
  readonly scheduleTickMs?: number;
  /** The clock services use; tests move it to cross weeks and retention periods. */
  readonly now?: () => Date;
  /** How often a standby tries to take its shards over (default 5 s); tests use less. */
  readonly leaseRetryMs?: number;
  /** How often the shard leases are checked while serving (default 5 s); tests use less. */
  readonly leaseHealthCheckMs?: number;
  /** Stops a start that is still waiting as a standby (SIGTERM then): startHelperCircle rejects. */
  readonly signal?: AbortSignal;
  /**
   * Called once the bot lost its shard leases while serving and has stopped serving (another process
   * serves its shards now). `npm start` exits with code 1 then, for its supervisor to restart it as a standby.
   */
  readonly onShardsLost?: (reason: Error) => void;
}

export interface RunningBot {
  readonly client: Client<true>;
  readonly services: Services;
  readonly store: Store;
  readonly commandSync: SyncOutcome;
  /** Graceful: stop taking interactions, let queued writes finish, close the store, leave the gateway. */
  stop(): Promise<void>;
}

/** Wires store, services, router and client together and logs in. Used by `npm start`, tests and the demo. */
export async function startHelperCircle(options: StartOptions): Promise<RunningBot> {
  const { config, logger } = options;
  const commands = await loadCommands(options.commandsDirectory ?? COMMANDS_DIRECTORY);
  // On PostgreSQL, several processes may share the store: first hold the leases of this process's shards
  // (every shard, as one shard, when no plan is set), waiting as a standby while another process holds
  // them. Nothing is read, written, or said to Discord before that.
  const leases = isPostgresUrl(config.storeUrl) ? await holdShardLeases(options) : undefined;
  let store: Store;
  try {
    store = leases ? await openPostgresStore(config.storeUrl, (query) => leases.fence(query)) : await openStore(config.storeUrl);
  } catch (error) {
    await leases?.release();
    throw error;
  }
  // A record that fails its schema is skipped or repaired by the store and logged here: its key and the
  // checks that failed, never its content (records hold members' words).
  reportCorruptRecords(store, (record) =>
    logger.warn({ key: record.key, issues: record.issues, outcome: record.outcome }, 'a stored record failed its schema'),
  );
  const queue = new GuildWriteQueue();
  // The guilds this process serves: with shards (SHARD_COUNT, SHARD_IDS), only those of its shards; every
  // job that walks guilds from the store (schedules, reflections, meetings, follow-ups, the outbox, the
  // purge, the upgrade below) visits these only, so another process's guilds are never worked on twice.
  const owns = ownership(config.shards);
  // Before anything reads or writes: records stored by earlier releases are rewritten in their current version.
  const circleGuilds = new GuildIndex(store, 'circle-guilds');
  const upgraded = await upgradeStoredRecords(store, queue, (await circleGuilds.all()).filter(owns));
  if (upgraded.circleSettings > 0) logger.info({ upgraded }, 'stored records upgraded to their current version');
  const circleSettings = circleSettingsRepository(store, queue);
  const circle = new CircleService(circleSettings, options.now, circleGuilds, owns);
  // One instance of each store, shared by the services: they keep caches that must stay true.
  const guilds = helpGuildIndex(store);
  const requests = new HelpRequestStore(store, guilds);
  const ledger = new LedgerStore(store, guilds);
  const prefs = new MemberPrefsStore(store);
  const tasks = new TaskStore(store, guilds);
  const meetings = new MeetingStore(store);
  const rules = options.helpRules ?? loadHelpRules();
  const help = new HelpService({ circle, requests, ledger, prefs, queue, rules, now: options.now });
  // What services change, for the conductors to show in Discord (subscribed below, once they exist).
  const changes = new ChangeFeed();
  const meetingService = new MeetingService({
    changes,
    circle,
    help,
    ledger,
    prefs,
    meetings,
    queue,
    formats: loadMeetingFormats(),
    defaultFormat: DEFAULT_MEETING_FORMAT,
    minuteMs: options.meetingMinuteMs,
    smallGroupBelow: rules.reflectionMinActive,
    voiceAttendanceMinutes: rules.voiceAttendanceMinutes,
    now: options.now,
    owns,
  });
  const alerts = crisisAlertStore(store, queue);
  const alertGuilds = new GuildIndex(store, 'crisis-alert-guilds');
  const safety = new SafetyService({
    circle,
    alerts,
    guilds: alertGuilds,
    crisisWords: loadCrisisWords(),
    followUpMinutes: rules.crisisFollowUpMinutes,
    now: options.now,
    owns,
  });
  const taskService = new TaskService({ circle, tasks, ledger, prefs, queue, now: options.now });
  const services: Services = {
    circle,
    safety,
    help,
    privacy: new PrivacyService({ requests, ledger, prefs, tasks, meetings, alerts, circleSettings, queue, rules, changes, now: options.now }),
    tasks: taskService,
    meetings: meetingService,
    actions: new MemberActions({ meetings: meetingService, help, tasks: taskService, queue }),
    turns: new TurnService({ meetings, queue, changes, attendanceMinutes: rules.voiceAttendanceMinutes, now: options.now }),
    schedules: new ScheduleService({ circle, meetings: meetingService, schedules: new ScheduleStore(store), queue, changes, now: options.now, owns }),
    reflections: new ReflectionService({
      circle,
      ledger,
      requests,
      reflections: new ReflectionStore(store),
      queue,
      rules,
      prompts: loadReflectionPrompts(),
      changes,
      now: options.now,
    }),
  };
  const client = createDiscordClient({
    apiUrl: config.discordApiUrl,
    globalRequestsPerSecond: options.globalRequestsPerSecond,
    shards: config.shards,
  });
  const now = options.now ?? (() => new Date());
  const conductor = new MeetingConductor(client, services.meetings, safety, logger, now);
  // Voice meetings: the speaking order follows the rounds and who is in the voice channel.
  const turnConductor = new TurnConductor(client, services.meetings, services.turns, logger, now);
  conductor.follow((guildId) => turnConductor.sync(guildId));
  turnConductor.listen();
  const scheduleConductor = new ScheduleConductor({
    client,
    schedules: services.schedules,
    meetings: services.meetings,
    circle,
    meetingConductor: conductor,
    logger,
    now,
  });
  const reflectionConductor = new ReflectionConductor(client, services.reflections, logger);
  const ticker = new MinuteTicker({ logger, now, tickMs: options.scheduleTickMs });
  // Crisis follow-ups first: they must never wait behind a minute of meetings starting or reflections
  // being drawn and posted (the jobs of a tick run one after another).
  const crisisFollowUps = new CrisisFollowUps(client, safety, logger);
  ticker.add('crisis-follow-ups', () => crisisFollowUps.tick());
  ticker.add('schedules', () => scheduleConductor.tick());
  ticker.add('reflections', () => reflectionConductor.tick());
  followChanges(changes, { meetings: conductor, schedules: scheduleConductor, reflections: reflectionConductor, turns: turnConductor });
  const router = new InteractionRouter({ commands, services, logger, deferAfterMs: options.deferAfterMs });

  const inFlight = new Set<Promise<void>>();
  let accepting = true;
  const onInteraction = (interaction: Parameters<InteractionRouter['handle']>[0]) => {
    if (!accepting) return;
    const handling = router.handle(interaction);
    inFlight.add(handling);
    void handling.finally(() => inFlight.delete(handling));
  };
  client.on(Events.InteractionCreate, onInteraction);
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ warning: message }, 'discord client warning'));
  client.on(Events.ShardReconnecting, (shardId) => logger.info({ shardId }, 'gateway reconnecting'));
  client.on(Events.ShardResume, (shardId, replayed) => logger.info({ shardId, replayed }, 'gateway resumed'));

  let commandSync: SyncOutcome;
  try {
    const ready = once(client, Events.ClientReady);
    await client.login(config.discordToken);
    await ready;
    commandSync = await syncCommands(
      client.application!.commands,
      commands.map((command) => command.definition),
      config.devGuildId,
    );
  } catch (error) {
    await client.destroy();
    await closeRestConnections(client);
    await store.close();
    await leases?.release();
    throw error;
  }
  // Retention: daily, and once now to catch up on whatever expired while the bot was down.
  const retention = startRetentionPurge({
    retention: new RetentionService({
      helpGuilds: guilds,
      alertGuilds,
      circleSettings,
      requests,
      ledger,
      tasks,
      meetings,
      alerts,
      queue,
      rules,
      now: options.now,
      owns,
    }),
    logger,
    now: options.now ?? (() => new Date()),
    guildIds: () => client.guilds.cache.keys(),
  });
  void retention.runNow();
  // The outbox: requests, offers and additions stored just before a crash are posted now, once.
  const healed = await postPendingHelp(client, services.help, safety, logger);
  if (healed.requests + healed.offers + healed.additions > 0) logger.info(healed, 'posted help left unposted by a stop');
  // Crisis alerts raised but not delivered before a stop (recent ones only) reach the moderators now, once.
  const alertsDelivered = await deliverPendingAlerts(client, safety, logger);
  if (alertsDelivered > 0) logger.info({ alerts: alertsDelivered }, 'delivered crisis alerts left undelivered by a stop');
  // Meetings that were running when the bot stopped go on from where their clocks say they are (shared
  // check-ins stored but not posted are posted then, once).
  // Who is in voice is re-read first, so the speaking order the meetings' sync shows is current.
  await turnConductor.reconcile();
  await conductor.reconcile();
  // Then the schedules: occurrences and reminders missed while the bot was down are handled once.
  await ticker.start();
  // Last: "ready" means everything is running (npm start installs its signal handlers right after).
  logger.info(
    { user: client.user?.tag, guilds: client.guilds.cache.size, commands: commands.length, commandSync, scope: config.devGuildId ? 'guild' : 'global' },
    'Helper Circle is ready',
  );

  let stopping: Promise<void> | undefined;
  const bot: RunningBot = {
    client: client as Client<true>,
    services,
    store,
    commandSync,
    stop() {
      stopping ??= (async () => {
        accepting = false;
        await Promise.allSettled([...inFlight]);
        await ticker.stop();
        await conductor.stop();
        await turnConductor.stop();
        await retention.stop();
        await queue.drain();
        await store.close();
        await client.destroy();
        await closeRestConnections(client);
        // Last: the shards go to a standby only once this process has left the gateway.
        await leases?.release();
        logger.info('Helper Circle stopped');
      })();
      return stopping;
    },
  };
  // Leases lost while serving (the connection to PostgreSQL gone, or its locks): another process may
  // serve these shards now, so this one stops at once. Its writes are already refused by the fence.
  void leases?.lost.then(async (reason) => {
    if (stopping) return;
    logger.fatal({ err: reason }, 'shard leases lost: this process stops serving its shards');
    accepting = false;
    void client.destroy();
    await bot.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping after the shard leases were lost failed'));
    options.onShardsLost?.(reason);
  });
  return bot;
}

/** Waits for this process's shard leases, saying once that it is a standby while another process holds them. */
async function holdShardLeases(options: StartOptions): Promise<ShardLeases> {
  const { config, logger } = options;
  const shardIds = config.shards?.ids ?? [0];
  const leases = await acquireShardLeases({
    storeUrl: config.storeUrl,
    shardIds,
    shardCount: config.shards?.count ?? 1,
    retryMs: options.leaseRetryMs,
    healthCheckMs: options.leaseHealthCheckMs,
    signal: options.signal,
    onStandby: () => logger.info({ shards: shardIds }, `standby: shards ${shardIds.join(',')} are served by another process; waiting to take over`),
  });
  logger.info({ shards: shardIds }, `serving shards ${shardIds.join(',')}`);
  return leases;
}
