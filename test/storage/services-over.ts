import { loadHelpRules } from '../../src/config/help-rules.ts';
import { loadMeetingFormats } from '../../src/config/meeting-formats.ts';
import { loadReflectionPrompts } from '../../src/config/reflection-prompts.ts';
import { CircleService } from '../../src/services/circle-service.ts';
import { HelpService } from '../../src/services/help-service.ts';
import { MeetingService } from '../../src/services/meeting-service.ts';
import { MemberActions } from '../../src/services/member-actions.ts';
import { ReflectionService } from '../../src/services/reflection-service.ts';
import { ScheduleService } from '../../src/services/schedule-service.ts';
import { TaskService } from '../../src/services/task-service.ts';
import { circleSettingsRepository } from '../../src/store/circle-settings-repository.ts';
import { GuildIndex, helpGuildIndex } from '../../src/store/guild-index.ts';
import { GuildWriteQueue } from '../../src/store/guild-write-queue.ts';
import { HelpRequestStore } from '../../src/store/help-request-store.ts';
import { LedgerStore } from '../../src/store/ledger-store.ts';
import { MeetingStore } from '../../src/store/meeting-store.ts';
import { MemberPrefsStore } from '../../src/store/member-prefs-store.ts';
import { ReflectionStore } from '../../src/store/reflection-store.ts';
import { ScheduleStore } from '../../src/store/schedule-store.ts';
import type { Store } from '../../src/store/sqlite-store.ts';
import { TaskStore } from '../../src/store/task-store.ts';

/**
 * The services over a real store, wired as src/app.ts wires them (without Discord): for storage tests
 * of use cases that span several services. `now` is the services' clock (default: the real one).
 */
export function servicesOver(store: Store, options: { now?: () => Date } = {}) {
  const clock = options.now ? { now: options.now } : {};
  const queue = new GuildWriteQueue();
  const circle = new CircleService(circleSettingsRepository(store, queue), options.now, new GuildIndex(store, 'circle-guilds'));
  const guilds = helpGuildIndex(store);
  const [requests, ledger, prefs, tasks] = [
    new HelpRequestStore(store, guilds),
    new LedgerStore(store, guilds),
    new MemberPrefsStore(store),
    new TaskStore(store, guilds),
  ];
  const rules = loadHelpRules();
  const help = new HelpService({ circle, requests, ledger, prefs, queue, rules, ...clock });
  const meetings = new MeetingService({
    circle,
    help,
    ledger,
    prefs,
    meetings: new MeetingStore(store),
    queue,
    formats: loadMeetingFormats(),
    defaultFormat: 'short',
    ...clock,
  });
  const taskService = new TaskService({ circle, tasks, ledger, prefs, queue, ...clock });
  const actions = new MemberActions({ meetings, help, tasks: taskService, queue });
  const schedules = new ScheduleService({ circle, meetings, schedules: new ScheduleStore(store), queue, ...clock });
  const reflections = new ReflectionService({
    circle,
    ledger,
    requests,
    reflections: new ReflectionStore(store),
    queue,
    rules,
    prompts: loadReflectionPrompts(),
    ...clock,
  });
  return { queue, circle, requests, ledger, prefs, help, meetings, tasks: taskService, actions, schedules, reflections };
}
