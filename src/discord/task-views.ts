import type { PracticalTask } from '../domain/tasks/practical-task.ts';
import type { TaskCommitted, TaskReported } from '../services/task-service.ts';
import { text } from '../texts/texts.ts';
import { quoteLines, type Reply } from './reply.ts';
import { discordTime } from './discord-time.ts';

/**
 * How practical tasks read to the member whose task it is: shared by `/task` and the meeting's task
 * rounds, so both say the same. Every one of these is for an ephemeral answer; a task is never shown
 * to anyone else.
 */

/** Earlier tasks shown under the current one in `/task show`. */
export const EARLIER_TASKS_SHOWN = 3;

/** The answer to a commitment. */
export const taskCommitted = (committed: TaskCommitted): Reply => ({ content: committedText(committed) });

/** The answer to a report. */
export const taskReported = (reported: TaskReported): Reply => ({ content: reportedText(reported) });

/** `/task show`. */
export const tasksShown = (current: PracticalTask | null, earlier: readonly PracticalTask[]): Reply => ({ content: tasksText(current, earlier) });

function committedText({ task, previous, created }: TaskCommitted): string {
  if (!created) return text('task.set.same', { text: task.text });
  const lines = [text('task.set.done', { text: task.text })];
  if (previous) lines.push(text('task.set.earlierKept'));
  return lines.join('\n\n');
}

/**
 * The answer to a report: warm whatever the outcome, and for "not done" an invitation to notice what
 * was learned, never a reproach.
 */
function reportedText({ task, replacedReport }: TaskReported): string {
  if (task.outcome === null) return text('task.show.notReported');
  const lines = [text(`task.report.${task.outcome}`)];
  if (task.note) lines.push(text('task.report.noted'));
  else if (task.outcome === 'not-done') lines.push(text('task.report.addNote'));
  if (replacedReport) lines.push(text('task.report.changed'));
  return lines.join('\n\n');
}

/** The member's current task with its report, then the last few earlier ones (no notes, to stay short). */
function tasksText(current: PracticalTask | null, earlier: readonly PracticalTask[]): string {
  if (!current) return text('task.noTask');
  const parts = [
    `**${text('task.show.title')}**\n${quoteLines(current.text)}\n${text('task.show.committed', {
      date: discordTime(current.committedAt, 'D'),
      where: current.meetingId ? text('task.show.inMeeting') : '',
    })}`,
  ];
  if (current.outcome === null || current.reportedAt === null) {
    parts.push(text('task.show.notReported'));
  } else {
    const report = [text('task.show.reported', { outcome: outcomeLabel(current.outcome), date: discordTime(current.reportedAt, 'D') })];
    if (current.note) report.push(text('task.show.note'), quoteLines(current.note));
    parts.push(report.join('\n'));
  }
  const shown = earlier.slice(0, EARLIER_TASKS_SHOWN);
  if (shown.length > 0) {
    const lines = shown.map((task) => text('task.show.earlierLine', { text: task.text, outcome: outcomeLabel(task.outcome) }));
    parts.push([text('task.show.earlier'), ...lines].join('\n'));
  }
  parts.push(`-# ${text('task.show.footer')}`);
  return parts.join('\n\n');
}

export function outcomeLabel(outcome: PracticalTask['outcome']): string {
  return text(outcome === null ? 'task.outcome.none' : `task.outcome.${outcome}`);
}
