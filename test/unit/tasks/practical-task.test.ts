import { describe, expect, it } from 'vitest';
import {
  commitTask,
  keepTasksSince,
  NO_TASKS,
  reportCurrentTask,
  reportTask,
  TASK_HISTORY_LENGTH,
  type MemberTasks,
  type PracticalTask,
} from '../../../src/domain/tasks/practical-task.ts';

const monday = new Date('2026-06-01T19:00:00Z');
const nextMonday = new Date('2026-06-08T19:00:00Z');

let counter = 0;
const commit = (tasks: MemberTasks, text: string, now = monday, meetingId: string | null = null) =>
  commitTask(tasks, { id: `t${++counter}`, memberId: 'ann', text, meetingId, now });

/** Commits and returns the member's tasks afterwards; fails the test on a problem. */
function committed(tasks: MemberTasks, text: string, now = monday): MemberTasks {
  const result = commit(tasks, text, now);
  if (!result.ok) throw new Error(`could not commit: ${result.error.kind}`);
  return result.value.tasks;
}

function reported(tasks: MemberTasks, outcome: 'done' | 'partly' | 'not-done', note: string | null = null): MemberTasks {
  const result = reportCurrentTask(tasks, outcome, note, nextMonday);
  if (!result.ok) throw new Error(`could not report: ${result.error.kind}`);
  return result.value;
}

describe('committing to a practical task', () => {
  it('GIVEN no task yet WHEN a member commits THEN it is their current, unreported task', () => {
    const result = commit(NO_TASKS, 'Call my sister', monday, 'meeting-1');
    expect(result).toMatchObject({ ok: true, value: { created: true } });
    if (!result.ok) return;
    expect(result.value.tasks).toEqual({ current: result.value.task, history: [] });
    expect(result.value.task).toMatchObject({
      memberId: 'ann',
      text: 'Call my sister',
      committedAt: monday.toISOString(),
      meetingId: 'meeting-1',
      outcome: null,
      note: null,
      reportedAt: null,
    });
  });

  it('GIVEN text with surrounding space, new lines and runs of spaces THEN it is trimmed and collapsed', () => {
    const result = commit(NO_TASKS, '  Walk   to the\n\npark  ');
    expect(result.ok && result.value.task.text).toBe('Walk to the park');
  });

  it('GIVEN only whitespace THEN the text is empty and nothing is committed', () => {
    expect(commit(NO_TASKS, ' \n\t ')).toEqual({ ok: false, error: { kind: 'text-empty' } });
  });

  it('GIVEN 201 characters after collapsing THEN it is too long, with the length and the limit', () => {
    expect(commit(NO_TASKS, 'a'.repeat(201))).toEqual({ ok: false, error: { kind: 'text-too-long', length: 201, max: 200 } });
  });

  it('GIVEN 200 characters, or more only because of spaces that collapse THEN it is accepted', () => {
    expect(commit(NO_TASKS, 'a'.repeat(200)).ok).toBe(true);
    expect(commit(NO_TASKS, `${'a'.repeat(100)}      ${'b'.repeat(99)}`).ok).toBe(true);
  });

  it('GIVEN an unreported task WHEN a new one is committed THEN the old one moves to history still unreported', () => {
    const first = committed(NO_TASKS, 'Call my sister');
    const second = committed(first, 'Go for a walk', nextMonday);
    expect(second.current?.text).toBe('Go for a walk');
    expect(second.history).toEqual([first.current]);
    expect(second.history[0]).toMatchObject({ outcome: null, reportedAt: null });
  });

  it('GIVEN a reported task WHEN a new one is committed THEN the old one keeps its report in history', () => {
    const done = reported(committed(NO_TASKS, 'Call my sister'), 'done', 'It went well');
    const next = committed(done, 'Go for a walk', nextMonday);
    expect(next.history[0]).toMatchObject({ text: 'Call my sister', outcome: 'done', note: 'It went well' });
  });

  it('GIVEN the same words as the open task (a repeated click) THEN nothing changes and no new task is made', () => {
    const first = committed(NO_TASKS, 'Call my sister');
    const again = commit(first, ' Call  my sister ', nextMonday);
    expect(again).toEqual({ ok: true, value: { tasks: first, task: first.current, created: false } });
  });

  it('GIVEN the same words as a task already reported THEN it is a new commitment for a new week', () => {
    const done = reported(committed(NO_TASKS, 'Go for a walk'), 'done');
    const again = commit(done, 'Go for a walk', nextMonday);
    expect(again.ok && again.value.created).toBe(true);
    expect(again.ok && again.value.tasks.history).toHaveLength(1);
  });

  it(`GIVEN more than ${TASK_HISTORY_LENGTH} earlier tasks THEN history keeps the newest ${TASK_HISTORY_LENGTH}, newest first`, () => {
    let tasks = NO_TASKS;
    for (let week = 1; week <= 13; week += 1) tasks = committed(tasks, `Task ${week}`);
    expect(tasks.current?.text).toBe('Task 13');
    expect(tasks.history.map((task) => task.text)).toEqual([
      'Task 12',
      'Task 11',
      'Task 10',
      'Task 9',
      'Task 8',
      'Task 7',
      'Task 6',
      'Task 5',
      'Task 4',
      'Task 3',
    ]);
  });
});

describe('reporting on a practical task', () => {
  const task = (): PracticalTask => committed(NO_TASKS, 'Call my sister').current!;

  it('GIVEN a task WHEN reported done with a note THEN outcome, note and time are set', () => {
    expect(reportTask(task(), 'done', 'She was glad I called', nextMonday)).toMatchObject({
      ok: true,
      value: { text: 'Call my sister', outcome: 'done', note: 'She was glad I called', reportedAt: nextMonday.toISOString() },
    });
  });

  it('GIVEN not done THEN it is recorded like any other outcome', () => {
    expect(reportTask(task(), 'not-done', 'The week got away from me', nextMonday)).toMatchObject({ ok: true, value: { outcome: 'not-done' } });
  });

  it('GIVEN an empty or blank note THEN no note is kept', () => {
    expect(reportTask(task(), 'partly', '   ', nextMonday)).toMatchObject({ ok: true, value: { note: null } });
    expect(reportTask(task(), 'partly', null, nextMonday)).toMatchObject({ ok: true, value: { note: null } });
  });

  it('GIVEN a note of 501 characters after trimming THEN it is too long and nothing is reported', () => {
    expect(reportTask(task(), 'done', ` ${'n'.repeat(501)} `, nextMonday)).toEqual({ ok: false, error: { kind: 'note-too-long', length: 501, max: 500 } });
  });

  it('GIVEN a note of 500 characters THEN it is kept whole', () => {
    const result = reportTask(task(), 'done', 'n'.repeat(500), nextMonday);
    expect(result.ok && result.value.note).toHaveLength(500);
  });

  it('GIVEN no task THEN there is nothing to report on', () => {
    expect(reportTask(null, 'done', null, nextMonday)).toEqual({ ok: false, error: { kind: 'no-task' } });
    expect(reportCurrentTask(NO_TASKS, 'done', null, nextMonday)).toEqual({ ok: false, error: { kind: 'no-task' } });
  });

  it('GIVEN a task already reported WHEN reported again THEN the new report replaces the old one', () => {
    const first = reported(committed(NO_TASKS, 'Call my sister'), 'partly', 'Left a message');
    const later = new Date(nextMonday.getTime() + 86_400_000);
    const second = reportCurrentTask(first, 'done', null, later);
    expect(second).toMatchObject({ ok: true, value: { current: { outcome: 'done', note: null, reportedAt: later.toISOString() } } });
  });

  it('GIVEN earlier tasks WHEN the current one is reported THEN history is unchanged', () => {
    const tasks = committed(committed(NO_TASKS, 'First'), 'Second');
    const after = reported(tasks, 'done');
    expect(after.history).toEqual(tasks.history);
    expect(after.current?.id).toBe(tasks.current?.id);
  });
});

describe('retention of practical tasks', () => {
  const cutoff = Date.parse('2026-06-05T00:00:00Z');

  it('GIVEN tasks last touched before the cutoff THEN they go, and later ones stay', () => {
    const old = reported(committed(NO_TASKS, 'Old', new Date('2026-05-01T10:00:00Z')), 'done');
    // Reported on 8 June: kept although committed before the cutoff.
    expect(keepTasksSince(old, cutoff).current?.text).toBe('Old');
    const unreported = committed(NO_TASKS, 'Never reported', new Date('2026-05-01T10:00:00Z'));
    expect(keepTasksSince(committed(unreported, 'Recent', nextMonday), cutoff)).toMatchObject({ current: { text: 'Recent' }, history: [] });
  });

  it('GIVEN every task expired THEN there is no current task and no history', () => {
    const tasks = committed(committed(NO_TASKS, 'One', new Date('2026-05-01T10:00:00Z')), 'Two', new Date('2026-05-02T10:00:00Z'));
    expect(keepTasksSince(tasks, cutoff)).toEqual(NO_TASKS);
  });
});
