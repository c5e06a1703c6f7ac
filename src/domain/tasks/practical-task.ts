import { err, ok, type Result } from '../result.ts';

export const TASK_TEXT_MAX_LENGTH = 200;
export const TASK_NOTE_MAX_LENGTH = 500;
/** Earlier tasks kept besides the current one; older ones are forgotten as new ones are committed. */
export const TASK_HISTORY_LENGTH = 10;

/** How a member says their practical task went. "Not done" is an answer like any other, never a failure. */
export const TASK_OUTCOMES = ['done', 'partly', 'not-done'] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

/**
 * A practical task: a small step a member commits to for the coming week (docs/research.md: the
 * practical task is the backbone of the week), at the end of a meeting (`meetingId`) or between meetings
 * (null), and reports on at the next one. Until reported, `outcome`, `note` and `reportedAt` are null.
 */
export interface PracticalTask {
  readonly id: string;
  readonly memberId: string;
  readonly text: string;
  readonly committedAt: string;
  readonly meetingId: string | null;
  readonly outcome: TaskOutcome | null;
  readonly note: string | null;
  readonly reportedAt: string | null;
}

/**
 * One member's tasks: the current one (the latest committed, reported or not: the one to report on)
 * and the earlier ones, newest first, at most TASK_HISTORY_LENGTH.
 */
export interface MemberTasks {
  readonly current: PracticalTask | null;
  readonly history: readonly PracticalTask[];
}

export const NO_TASKS: MemberTasks = { current: null, history: [] };

/** How many tasks a member's record holds, the current one included. */
export const taskCount = (tasks: MemberTasks): number => (tasks.current ? 1 : 0) + tasks.history.length;

export type TaskProblem =
  | { readonly kind: 'text-empty' }
  | { readonly kind: 'text-too-long'; readonly length: number; readonly max: number }
  | { readonly kind: 'note-too-long'; readonly length: number; readonly max: number }
  | { readonly kind: 'no-task' };

export interface CommitInput {
  readonly id: string;
  readonly memberId: string;
  readonly text: string;
  readonly meetingId: string | null;
  readonly now: Date;
}

export interface Commitment {
  readonly tasks: MemberTasks;
  readonly task: PracticalTask;
  /**
   * False when the member committed again to the very task they have open (same words, not yet
   * reported): a repeated click or modal submit. Nothing changed, and nothing new should be recorded.
   */
  readonly created: boolean;
}

/** Trims and collapses runs of whitespace (new lines included) into single spaces. */
export const normaliseTaskText = (value: string): string => value.trim().replace(/\s+/g, ' ');

/**
 * Commits a member to a new task. The task before it moves into history as it is: one left unreported
 * stays unreported (outcome null). It is never marked "not done" on the member's behalf and a new
 * commitment never waits for an old report: a week that got away is no reason to stop committing.
 * Committing again to the open task with the same words changes nothing (`created: false`).
 */
export function commitTask(current: MemberTasks, input: CommitInput): Result<Commitment, TaskProblem> {
  const text = normaliseTaskText(input.text);
  if (text.length === 0) return err({ kind: 'text-empty' });
  if (text.length > TASK_TEXT_MAX_LENGTH) return err({ kind: 'text-too-long', length: text.length, max: TASK_TEXT_MAX_LENGTH });
  const open = current.current;
  if (open && open.outcome === null && open.text === text) return ok({ tasks: current, task: open, created: false });
  const task: PracticalTask = {
    id: input.id,
    memberId: input.memberId,
    text,
    committedAt: input.now.toISOString(),
    meetingId: input.meetingId,
    outcome: null,
    note: null,
    reportedAt: null,
  };
  const history = open ? [open, ...current.history] : [...current.history];
  return ok({ tasks: { current: task, history: history.slice(0, TASK_HISTORY_LENGTH) }, task, created: true });
}

/**
 * Reports how a task went, with an optional note (what was learned). Reporting again replaces the
 * earlier report, so a member can change "partly" to "done" later in the week. An empty note is none.
 */
export function reportTask(task: PracticalTask | null, outcome: TaskOutcome, note: string | null, now: Date): Result<PracticalTask, TaskProblem> {
  if (task === null) return err({ kind: 'no-task' });
  const trimmed = note?.trim() ?? '';
  if (trimmed.length > TASK_NOTE_MAX_LENGTH) return err({ kind: 'note-too-long', length: trimmed.length, max: TASK_NOTE_MAX_LENGTH });
  return ok({ ...task, outcome, note: trimmed === '' ? null : trimmed, reportedAt: now.toISOString() });
}

/** Reports on the member's current task, keeping the history as it is. */
export function reportCurrentTask(tasks: MemberTasks, outcome: TaskOutcome, note: string | null, now: Date): Result<MemberTasks, TaskProblem> {
  const reported = reportTask(tasks.current, outcome, note, now);
  return reported.ok ? ok({ ...tasks, current: reported.value }) : reported;
}

/**
 * The tasks whose last sign of life (report, else commitment) is at or after `cutoff` (epoch ms): what
 * the retention rule keeps. Earlier tasks were all settled before the current one was committed, so
 * when the current task expires, everything before it has expired too.
 */
export function keepTasksSince(tasks: MemberTasks, cutoff: number): MemberTasks {
  const kept = (task: PracticalTask) => !(Date.parse(task.reportedAt ?? task.committedAt) < cutoff);
  return { current: tasks.current && kept(tasks.current) ? tasks.current : null, history: tasks.history.filter(kept) };
}
