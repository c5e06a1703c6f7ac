import { z } from 'zod';
import { NO_TASKS, TASK_OUTCOMES, taskCount, type MemberTasks, type PracticalTask } from '../domain/tasks/practical-task.ts';
import { guildKey } from './guild-key.ts';
import { idList, type GuildIndex } from './guild-index.ts';
import type { GuildWrite } from './guild-write-queue.ts';
import type { Store } from './sqlite-store.ts';
import { deleteRecord, readRecord, VersionedRecord, writeRecord } from './stored-record.ts';
import { readThrough } from './read-cache.ts';

const tasksKey = (guildId: string, memberId: string) => guildKey(guildId, `member:${memberId}:tasks`);
const membersKey = (guildId: string) => guildKey(guildId, 'task-members');

const task: z.ZodType<PracticalTask> = z.object({
  id: z.string(),
  memberId: z.string(),
  text: z.string(),
  committedAt: z.string(),
  meetingId: z.string().nullable(),
  outcome: z.enum(TASK_OUTCOMES).nullable(),
  note: z.string().nullable(),
  reportedAt: z.string().nullable(),
});

/** `guild:<id>:member:<id>:tasks`, version 1. */
export const memberTasksRecord = new VersionedRecord<MemberTasks>(z.object({ current: task.nullable(), history: z.array(task) }));

/**
 * Practical tasks, one record per member (`member:<id>:tasks`: the current task and up to ten earlier
 * ones), plus a per-guild list of the members who have one, so the retention purge can visit them
 * without scanning the store. Records are read through a cache; writes take the guild's write handle.
 * A record that fails its schema is reported and read as no tasks.
 */
export class TaskStore {
  private readonly cache = new Map<string, MemberTasks>();
  private readonly members = new Map<string, string[]>();

  /** `guilds`, when given, learns each guild that keeps a task (for the retention purge). */
  constructor(
    private readonly store: Store,
    private readonly guilds?: GuildIndex,
  ) {
    // A failed commit drops writes this cache may hold.
    store.onRollback(() => {
      this.cache.clear();
      this.members.clear();
    });
  }

  /** The member's tasks; no current task and no history when they never committed to one. */
  async get(guildId: string, memberId: string): Promise<MemberTasks> {
    const key = tasksKey(guildId, memberId);
    return readThrough(this.store, this.cache, key, async () => (await readRecord(this.store, key, memberTasksRecord)) ?? NO_TASKS);
  }

  /** An empty record removes the member's tasks. */
  async put(tx: GuildWrite, memberId: string, tasks: MemberTasks): Promise<void> {
    if (taskCount(tasks) === 0) {
      await this.remove(tx, memberId);
      return;
    }
    const { guildId } = tx;
    await this.guilds?.add(guildId);
    const key = tasksKey(guildId, memberId);
    await writeRecord(this.store, tx, key, memberTasksRecord, tasks);
    this.cache.set(key, tasks);
    const members = await this.memberIds(guildId);
    if (!members.includes(memberId)) await this.setMembers(tx, [...members, memberId]);
  }

  /** How many tasks (current and earlier) were removed. */
  async remove(tx: GuildWrite, memberId: string): Promise<number> {
    const { guildId } = tx;
    const count = taskCount(await this.get(guildId, memberId));
    const key = tasksKey(guildId, memberId);
    await deleteRecord(this.store, tx, key);
    this.cache.set(key, NO_TASKS);
    const members = await this.memberIds(guildId);
    if (members.includes(memberId))
      await this.setMembers(
        tx,
        members.filter((id) => id !== memberId),
      );
    return count;
  }

  /** Every member of the guild with a task record (retention). */
  async memberIds(guildId: string): Promise<string[]> {
    return readThrough(this.store, this.members, guildId, async () => (await readRecord(this.store, membersKey(guildId), idList)) ?? []);
  }

  private async setMembers(tx: GuildWrite, memberIds: string[]): Promise<void> {
    await writeRecord(this.store, tx, membersKey(tx.guildId), idList, memberIds);
    this.members.set(tx.guildId, memberIds);
  }
}
