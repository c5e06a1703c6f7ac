import type { LedgerEvent } from '../domain/help/ledger-events.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { commitTask, reportCurrentTask, type PracticalTask, type TaskOutcome, type TaskProblem } from '../domain/tasks/practical-task.ts';
import type { GuildWrite, GuildWriteQueue } from '../store/guild-write-queue.ts';
import type { LedgerStore } from '../store/ledger-store.ts';
import type { MemberPrefsStore } from '../store/member-prefs-store.ts';
import type { TaskStore } from '../store/task-store.ts';
import type { CircleService } from './circle-service.ts';
import { recordEvents } from './ledger-recording.ts';
import { newRecordId } from './record-ids.ts';

export type TaskServiceProblem = TaskProblem | { readonly kind: 'not-set-up' };

export interface TaskCommitted {
  /** The member's current task now. */
  readonly task: PracticalTask;
  /** The task it took over from (now first in history), as it was: unreported when `outcome` is null. */
  readonly previous: PracticalTask | null;
  /** False when the member repeated their open task's words (a repeated click): nothing changed. */
  readonly created: boolean;
}

export interface TaskReported {
  /** The member's current task, with the report just made. */
  readonly task: PracticalTask;
  /** True when this replaced an earlier report on the same task. */
  readonly replacedReport: boolean;
}

export interface TaskServiceDeps {
  readonly circle: CircleService;
  readonly tasks: TaskStore;
  readonly ledger: LedgerStore;
  readonly prefs: MemberPrefsStore;
  readonly queue: GuildWriteQueue;
  readonly now?: () => Date;
}

/**
 * Practical tasks: a member commits to one for the coming week (`/task set`, or the meeting's tasks
 * round with its `meetingId`) and reports on it later (`/task report`, or the meeting's progress
 * round). Each change is stored, with its ledger event (never the task's words), in one run of the
 * guild's write queue before it returns. Only the member ever sees their task.
 *
 * `set` and `report` run in the guild's write queue themselves (inside a run for the same guild they
 * go on in that run); `setInQueue` and `reportInQueue` take the handle of a run the caller holds.
 */
export class TaskService {
  private readonly now: () => Date;

  constructor(private readonly deps: TaskServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Commits the member to a new practical task (text 1-200 after trimming); `meetingId` when made in a meeting. */
  set(guildId: string, memberId: string, text: string, meetingId: string | null = null): Promise<Result<TaskCommitted, TaskServiceProblem>> {
    return this.deps.queue.run(guildId, (tx) => this.setInQueue(tx, memberId, text, meetingId));
  }

  /** Reports on the member's current task (reporting again replaces the report); `note` up to 500. */
  report(guildId: string, memberId: string, outcome: TaskOutcome, note: string | null = null): Promise<Result<TaskReported, TaskServiceProblem>> {
    return this.deps.queue.run(guildId, (tx) => this.reportInQueue(tx, memberId, outcome, note));
  }

  /** `set`, in the run whose handle is `tx`, for its guild. */
  async setInQueue(tx: GuildWrite, memberId: string, text: string, meetingId: string | null = null): Promise<Result<TaskCommitted, TaskServiceProblem>> {
    const { guildId } = tx;
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return err({ kind: 'not-set-up' });
    const tasks = await this.deps.tasks.get(guildId, memberId);
    const committed = commitTask(tasks, { id: newRecordId(), memberId, text, meetingId, now: this.now() });
    if (!committed.ok) return committed;
    const { task, created } = committed.value;
    if (created) {
      await this.deps.tasks.put(tx, memberId, committed.value.tasks);
      await this.record(tx, settings.timezone, { id: newRecordId(), at: task.committedAt, kind: 'task-committed', memberId, taskId: task.id, meetingId });
    }
    return ok({ task, previous: created ? tasks.current : (tasks.history[0] ?? null), created });
  }

  /** `report`, in the run whose handle is `tx`, for its guild. */
  async reportInQueue(tx: GuildWrite, memberId: string, outcome: TaskOutcome, note: string | null = null): Promise<Result<TaskReported, TaskServiceProblem>> {
    const { guildId } = tx;
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return err({ kind: 'not-set-up' });
    const before = await this.deps.tasks.get(guildId, memberId);
    const reported = reportCurrentTask(before, outcome, note, this.now());
    if (!reported.ok) return reported;
    const task = reported.value.current!;
    await this.deps.tasks.put(tx, memberId, reported.value);
    await this.record(tx, settings.timezone, { id: newRecordId(), at: task.reportedAt!, kind: 'task-reported', memberId, taskId: task.id, outcome });
    return ok({ task, replacedReport: before.current?.reportedAt != null });
  }

  /** The task the member is to report on: their latest, reported or not; null when they never set one. */
  async current(guildId: string, memberId: string): Promise<PracticalTask | null> {
    return (await this.deps.tasks.get(guildId, memberId)).current;
  }

  /** `/task show`: the member's current task and their earlier ones, newest first, at most `limit`, in one read. */
  async overview(guildId: string, memberId: string, limit: number): Promise<{ current: PracticalTask | null; earlier: PracticalTask[] }> {
    const { current, history } = await this.deps.tasks.get(guildId, memberId);
    return { current, earlier: history.slice(0, Math.max(0, limit)) };
  }

  private async record(tx: GuildWrite, timezone: string, event: LedgerEvent): Promise<void> {
    await recordEvents(this.deps, tx, timezone, [event]);
  }
}
