import type { LedgerEvent } from '../../../src/domain/help/ledger-events.ts';
import type { MeetingAction } from '../../../src/domain/meetings/format.ts';
import type { ReflectionInput, ReflectionPrompts } from '../../../src/domain/reflections/weekly-reflection.ts';

/** Builders so each test reads as "who did what, when"; every id is unique unless a test names it. */
let counter = 0;
const nextId = (prefix: string) => `${prefix}${++counter}`;

export const opened = (memberId: string, at: string, requestId = nextId('req-')): LedgerEvent => ({
  id: nextId('e'),
  at,
  kind: 'request-opened',
  requestId,
  memberId,
  anonymous: false,
});
export const closed = (memberId: string, at: string, requestId: string): LedgerEvent => ({
  id: nextId('e'),
  at,
  kind: 'request-closed',
  requestId,
  memberId,
});
export const offered = (giverId: string, receiverId: string, at: string, requestId = nextId('req-'), offerId = nextId('off-')): LedgerEvent => ({
  id: nextId('e'),
  at,
  kind: 'offer-made',
  offerId,
  requestId,
  giverId,
  receiverId,
});
export const confirmed = (giverId: string, receiverId: string, at: string, offerId = nextId('off-'), requestId = nextId('req-')): LedgerEvent => ({
  id: nextId('e'),
  at,
  kind: 'offer-confirmed',
  offerId,
  requestId,
  giverId,
  receiverId,
});
export const committed = (memberId: string, at: string, taskId = nextId('task-')): LedgerEvent => ({
  id: nextId('e'),
  at,
  kind: 'task-committed',
  memberId,
  taskId,
  meetingId: null,
});
export const reported = (memberId: string, at: string, taskId = nextId('task-')): LedgerEvent => ({
  id: nextId('e'),
  at,
  kind: 'task-reported',
  memberId,
  taskId,
  outcome: 'done',
});
export const acted = (memberId: string, meetingId: string, at: string, action: MeetingAction = 'check-in'): LedgerEvent => ({
  id: nextId('e'),
  at,
  kind: 'meeting-action',
  memberId,
  meetingId,
  action,
});

export const PROMPTS: ReflectionPrompts = {
  helping: ['helping-0', 'helping-1', 'helping-2'],
  needs: ['needs-0', 'needs-1'],
};

/**
 * For tests of the counting itself: a threshold of 1 makes no week small and no type count or change
 * too small to show, so every count reads exactly (the shipped threshold is 5, and never below).
 */
export const EXACTLY = { minActiveForBreakdown: 1 } as const;

/** A reflection input for the week containing `weekOf` in London, with the shipped defaults. */
export const inputFor = (weekOf: string, events: LedgerEvent[], overrides: Partial<ReflectionInput> = {}) => ({
  weekOf: new Date(weekOf),
  timezone: 'Europe/London',
  events,
  openRequestsNow: 0,
  typing: { mode: 'median' } as const,
  windowDays: 28,
  minActiveForBreakdown: 5,
  prompts: PROMPTS,
  ...overrides,
});
