import type { LedgerEvent } from '../../../src/domain/help/ledger-events.ts';
import type { MeetingFormat } from '../../../src/domain/meetings/format.ts';
import { newMeetingRecord, type MeetingRecord } from '../../../src/domain/meetings/meeting-record.ts';
import { startMeeting } from '../../../src/domain/meetings/meeting-state.ts';
import type { ExportSource } from '../../../src/domain/privacy/export.ts';
import type { HelpRequest, Offer } from '../../../src/domain/requests/help-request.ts';
import type { PracticalTask } from '../../../src/domain/tasks/practical-task.ts';

/** The member whose data is exported, and the others they may have dealt with. */
export const [ME, ANA, BO, CY] = ['100000000000000001', '100000000000000002', '100000000000000003', '100000000000000004'];

export const AT = '2026-06-01T18:00:00.000Z';

let counter = 0;
const nextId = (prefix: string) => `${prefix}${++counter}`;

export const offer = (giverId: string, confirmed = false): Offer => ({ id: nextId('o'), giverId, message: null, at: AT, confirmed, messageId: null });

export const request = (askerId: string, options: { id?: string; anonymous?: boolean; offers?: readonly Offer[]; topic?: string } = {}): HelpRequest => ({
  id: options.id ?? nextId('r'),
  askerId,
  topic: options.topic ?? 'A topic',
  anonymous: options.anonymous ?? false,
  status: 'open',
  openedAt: AT,
  closedAt: null,
  channelId: 'c1',
  messageId: null,
  threadId: null,
  offers: options.offers ?? [],
});

export const openedEvent = (memberId: string, requestId: string, anonymous: boolean): LedgerEvent => ({
  id: nextId('e'),
  at: AT,
  kind: 'request-opened',
  requestId,
  memberId,
  anonymous,
});

export const offerEvent = (giverId: string, receiverId: string, requestId: string): LedgerEvent => ({
  id: nextId('e'),
  at: AT,
  kind: 'offer-made',
  offerId: nextId('o'),
  requestId,
  giverId,
  receiverId,
});

export const task = (memberId: string, text: string): PracticalTask => ({
  id: nextId('t'),
  memberId,
  text,
  committedAt: AT,
  meetingId: null,
  outcome: null,
  note: null,
  reportedAt: null,
});

const format: MeetingFormat = {
  name: 'test',
  title: 'Test',
  description: 'd',
  closingNote: 'bye',
  rounds: [{ id: 'close', title: 'Close', prompt: 'p', minutes: 5, actions: ['check-in', 'rate-meeting'] }],
};

/** A meeting started and chaired by `chairId`, posted in thread `th1` from opening post `op1`. */
export const meeting = (chairId: string): MeetingRecord => ({
  ...newMeetingRecord({ state: startMeeting({ id: 'm1', format, now: new Date(AT), chairId }), guildId: 'g1', channelId: 'c1', startedBy: chairId }),
  openingMessageId: 'op1',
  threadId: 'th1',
});

/** An export source with nothing kept; a test adds what it is about. */
export const source = (changes: Partial<ExportSource<{ recordingPaused: boolean }>> = {}): ExportSource<{ recordingPaused: boolean }> => ({
  guildId: 'g1',
  memberId: ME,
  exportedAt: new Date('2026-06-02T09:00:00.000Z'),
  requests: [],
  ledgerEvents: [],
  tasks: { current: null, history: [] },
  meetings: { meeting: undefined, earlierPosts: [], chairVolunteers: [] },
  preferences: null,
  crisisAlerts: [],
  ...changes,
});
