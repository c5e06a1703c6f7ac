import type { MeetingAction } from '../domain/meetings/format.ts';
import { withPendingCheckIn, type MeetingRecord, type PendingCheckIn } from '../domain/meetings/meeting-record.ts';
import type { ActionProblem } from '../domain/meetings/meeting-state.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { TaskOutcome } from '../domain/tasks/practical-task.ts';
import type { GuildWrite, GuildWriteQueue } from '../store/guild-write-queue.ts';
import type { AskOutcome, HelpProblem, HelpService, OfferOutcome } from './help-service.ts';
import type { MeetingService } from './meeting-service.ts';
import type { TaskCommitted, TaskReported, TaskService, TaskServiceProblem } from './task-service.ts';
import { newRecordId } from './record-ids.ts';

/** The round a button belongs to: its meeting and the round's index. */
export interface RoundRef {
  readonly meetingId: string;
  readonly roundIndex: number;
}

export type RoundProblem = ActionProblem | { readonly kind: 'no-meeting' };

/** An action taken in a round, with the meeting as it is after it. */
export type InRound<T> = T & { readonly record: MeetingRecord };

export interface MemberActionsDeps {
  readonly meetings: MeetingService;
  readonly help: HelpService;
  readonly tasks: TaskService;
  readonly queue: GuildWriteQueue;
}

/**
 * One member action, one use case: each method checks, writes, links and records inside ONE run of
 * the guild's write queue (the services it composes run in place inside it), and returns what changed.
 * So a round that ends while a member submits either takes their action whole or refuses it whole:
 * never "this round has ended" for a need that was in fact raised. Posting to Discord follows from
 * what is returned.
 */
export class MemberActions {
  constructor(private readonly deps: MemberActionsDeps) {}

  /**
   * `/ask`: while a meeting is running, needs are brought to it (the request goes in its thread and is
   * linked to it); otherwise in the circle channel.
   */
  ask(guildId: string, memberId: string, topic: string, anonymous: boolean): Promise<Result<AskOutcome & { meetingId: string | null }, HelpProblem>> {
    return this.deps.queue.run(guildId, async (tx) => {
      const meeting = await this.deps.meetings.current(guildId);
      const running = meeting && meeting.state.status !== 'ended' && meeting.threadId ? meeting : undefined;
      const asked = await this.deps.help.ask(guildId, memberId, topic, anonymous, running?.threadId ?? undefined, tx);
      if (!asked.ok) return asked;
      if (running) await this.deps.meetings.addRequest(guildId, running.state.id, asked.value.request.id, tx);
      return ok({ ...asked.value, meetingId: running?.state.id ?? null });
    });
  }

  /**
   * "Check in" in a round: the round check, the action and, when the member shared words, their post
   * stored as pending in the meeting record (the outbox), as one run. The Discord layer posts it (with
   * a nonce) and marks it posted; start-up posts any the bot stopped before posting.
   */
  checkIn(
    guildId: string,
    round: RoundRef,
    memberId: string,
    shared: string,
  ): Promise<Result<{ record: MeetingRecord; pending: PendingCheckIn | null }, RoundProblem>> {
    return this.deps.queue.run(guildId, async (tx) => {
      const words = shared.trim();
      const pending: PendingCheckIn | null = words ? { id: newRecordId(), memberId, words } : null;
      const recorded = await this.deps.meetings.recordAction(
        guildId,
        round.meetingId,
        round.roundIndex,
        memberId,
        'check-in',
        (record) => (pending ? withPendingCheckIn(record, pending) : record),
        tx,
      );
      if (!recorded.ok) return recorded;
      return ok({ record: recorded.value, pending });
    });
  }

  /** "I need help" in a round: the round check, the request, its link to the meeting and the action. */
  raiseNeed(
    guildId: string,
    round: RoundRef,
    memberId: string,
    topic: string,
    anonymous: boolean,
  ): Promise<Result<InRound<AskOutcome>, RoundProblem | HelpProblem>> {
    return this.inRound(guildId, round, memberId, 'need-help', async (record, tx) => {
      const asked = await this.deps.help.ask(guildId, memberId, topic, anonymous, record.threadId ?? undefined, tx);
      if (asked.ok) await this.deps.meetings.addRequest(guildId, round.meetingId, asked.value.request.id, tx);
      return asked;
    });
  }

  /** Undoes a need Discord would not show: the request goes, and the meeting no longer counts it. */
  withdrawNeed(guildId: string, meetingId: string | null, requestId: string): Promise<void> {
    return this.deps.queue.run(guildId, async (tx) => {
      await this.deps.help.withdrawUnpostedRequest(guildId, requestId, tx);
      if (meetingId) await this.deps.meetings.removeRequest(guildId, meetingId, requestId, tx);
    });
  }

  /** "I can help" in a round: the round check, the offer and the action. */
  offerInRound(
    guildId: string,
    round: RoundRef,
    memberId: string,
    requestId: string,
    message: string | null,
  ): Promise<Result<InRound<OfferOutcome>, RoundProblem | HelpProblem>> {
    return this.inRound(guildId, round, memberId, 'offer-help', (_, tx) => this.deps.help.offer(guildId, memberId, requestId, message, tx));
  }

  /** "Commit to a task" in a round: the round check, the task (linked to the meeting) and the action. */
  commitInRound(guildId: string, round: RoundRef, memberId: string, text: string): Promise<Result<InRound<TaskCommitted>, RoundProblem | TaskServiceProblem>> {
    return this.inRound(guildId, round, memberId, 'commit-task', (_, tx) => this.deps.tasks.setInQueue(tx, memberId, text, round.meetingId));
  }

  /** "Report my task" in a round: the round check, the report and the action. */
  reportInRound(
    guildId: string,
    round: RoundRef,
    memberId: string,
    outcome: TaskOutcome,
    note: string | null,
  ): Promise<Result<InRound<TaskReported>, RoundProblem | TaskServiceProblem>> {
    return this.inRound(guildId, round, memberId, 'report-task', (_, tx) => this.deps.tasks.reportInQueue(tx, memberId, outcome, note));
  }

  /**
   * Checks the round, does `act`, and records the member's action, as one run: if the round has ended
   * nothing is done; if `act` is refused nothing is recorded.
   */
  private inRound<T extends object, E>(
    guildId: string,
    round: RoundRef,
    memberId: string,
    action: MeetingAction,
    act: (record: MeetingRecord, tx: GuildWrite) => Promise<Result<T, E>>,
  ): Promise<Result<InRound<T>, RoundProblem | E>> {
    return this.deps.queue.run(guildId, async (tx) => {
      const allowed = await this.deps.meetings.canAct(guildId, round.meetingId, round.roundIndex, action);
      if (!allowed.ok) return allowed;
      const done = await act(allowed.value, tx);
      if (!done.ok) return done;
      // Same run, round already checked: recording cannot be refused now.
      const recorded = await this.deps.meetings.recordAction(guildId, round.meetingId, round.roundIndex, memberId, action, undefined, tx);
      if (!recorded.ok) return err(recorded.error);
      return ok({ ...done.value, record: recorded.value });
    });
  }
}
