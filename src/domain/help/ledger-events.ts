import type { MeetingAction } from '../meetings/format.ts';
import type { TaskOutcome } from '../tasks/practical-task.ts';

/**
 * The help ledger: append-only facts about who asked, who offered and who confirmed, and who committed
 * to and reported on a practical task (never the task's words: those stay with the task). Nothing is ever
 * edited in place; counts are derived from these events so they can be recomputed, exported and
 * deleted per member. `at` is an ISO-8601 UTC instant; ids are made by the caller (storage).
 */
export type LedgerEvent =
  | {
      readonly id: string;
      readonly at: string;
      readonly kind: 'request-opened';
      readonly requestId: string;
      readonly memberId: string;
      readonly anonymous: boolean;
    }
  | { readonly id: string; readonly at: string; readonly kind: 'request-closed'; readonly requestId: string; readonly memberId: string }
  | OfferEvent<'offer-made'>
  | OfferEvent<'offer-confirmed'>
  | TaskCommittedEvent
  | TaskReportedEvent
  | MeetingActionEvent;

/** A member committed to a practical task, in a meeting (`meetingId`) or between meetings (null). */
export interface TaskCommittedEvent {
  readonly id: string;
  readonly at: string;
  readonly kind: 'task-committed';
  readonly memberId: string;
  readonly taskId: string;
  readonly meetingId: string | null;
}

/** A member reported on their practical task (reporting again adds another event). */
export interface TaskReportedEvent {
  readonly id: string;
  readonly at: string;
  readonly kind: 'task-reported';
  readonly memberId: string;
  readonly taskId: string;
  readonly outcome: TaskOutcome;
}

/**
 * A member took part in a meeting round (checked in, brought a need, offered help, committed to or
 * reported on a task, rated the meeting). Attendance is any such event. No words are kept here.
 */
export interface MeetingActionEvent {
  readonly id: string;
  readonly at: string;
  readonly kind: 'meeting-action';
  readonly memberId: string;
  readonly meetingId: string;
  readonly action: MeetingAction;
}

/** An offer from one member to another (giver -> receiver), and its later confirmation by the receiver. */
export interface OfferEvent<K extends 'offer-made' | 'offer-confirmed'> {
  readonly id: string;
  readonly at: string;
  readonly kind: K;
  readonly offerId: string;
  readonly requestId: string;
  readonly giverId: string;
  readonly receiverId: string;
}

export type LedgerEventKind = LedgerEvent['kind'];

/**
 * Every member id the event is about, without duplicates: what export, delete and "active in the
 * window" look at. Kinds added by later issues (attendance, check-ins, tasks) are expected to name
 * their member in `memberId`; until this function learns them they still count as that member's
 * activity, and as nothing else.
 */
export function membersOf(event: LedgerEvent): string[] {
  switch (event.kind) {
    case 'request-opened':
    case 'request-closed':
    case 'task-committed':
    case 'task-reported':
    case 'meeting-action':
      return [event.memberId];
    case 'offer-made':
    case 'offer-confirmed':
      return event.giverId === event.receiverId ? [event.giverId] : [event.giverId, event.receiverId];
    default:
      return membersOfUnknownKind(event);
  }
}

/** An event of a kind this version does not know: only a string `memberId` is trusted. */
export function membersOfUnknownKind(event: unknown): string[] {
  const memberId = (event as { memberId?: unknown } | null)?.memberId;
  return typeof memberId === 'string' && memberId !== '' ? [memberId] : [];
}
