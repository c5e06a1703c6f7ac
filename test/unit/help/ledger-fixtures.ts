import type { LedgerEvent } from '../../../src/domain/help/ledger-events.ts';
import { emptyTally, type MemberTally } from '../../../src/domain/help/tally.ts';

/** Small builders so each test reads as "who did what, when". */
let counter = 0;
const nextId = () => `e${++counter}`;

export const opened = (memberId: string, at: string, requestId = `r-${memberId}`, anonymous = false): LedgerEvent => ({
  id: nextId(),
  at,
  kind: 'request-opened',
  requestId,
  memberId,
  anonymous,
});
export const closed = (memberId: string, at: string, requestId = `r-${memberId}`): LedgerEvent => ({
  id: nextId(),
  at,
  kind: 'request-closed',
  requestId,
  memberId,
});
export const offered = (giverId: string, receiverId: string, at: string, offerId = nextId()): LedgerEvent => ({
  id: nextId(),
  at,
  kind: 'offer-made',
  offerId,
  requestId: `r-${receiverId}`,
  giverId,
  receiverId,
});
export const confirmed = (giverId: string, receiverId: string, at: string, offerId = nextId()): LedgerEvent => ({
  id: nextId(),
  at,
  kind: 'offer-confirmed',
  offerId,
  requestId: `r-${receiverId}`,
  giverId,
  receiverId,
});
export const committed = (memberId: string, at: string, taskId = nextId(), meetingId: string | null = null): LedgerEvent => ({
  id: nextId(),
  at,
  kind: 'task-committed',
  memberId,
  taskId,
  meetingId,
});
export const reported = (memberId: string, at: string, taskId = nextId(), outcome: 'done' | 'partly' | 'not-done' = 'done'): LedgerEvent => ({
  id: nextId(),
  at,
  kind: 'task-reported',
  memberId,
  taskId,
  outcome,
});

/** A tally with the given counts, as a typing test wants it. */
export const tally = (memberId: string, given: number, received: number, requests = 0): MemberTally => ({
  ...emptyTally(memberId),
  given,
  received,
  requests,
});

export const group = (...tallies: MemberTally[]): Map<string, MemberTally> => new Map(tallies.map((t) => [t.memberId, t]));
