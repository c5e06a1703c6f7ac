import { membersOf, type LedgerEvent } from '../help/ledger-events.ts';
import type { HelpRequest } from '../requests/help-request.ts';
import type { CrisisAlert } from '../safety/crisis-alert.ts';
import type { MemberTasks, PracticalTask } from '../tasks/practical-task.ts';
import { meetingDataOf, type ChairRotationPart, type MeetingPart, type MeetingRecords } from './member-data.ts';

/** Written in place of another member's id when that member asked anonymously. */
export const ANONYMOUS = 'anonymous';
/** Written in place of another member's id when it can no longer be told whether they asked anonymously. */
export const WITHHELD = 'withheld';

/** What the export file says about itself, first. */
export const EXPORT_ABOUT =
  'Everything Helper Circle keeps about you in this server. Other members appear only by id, and only where they helped you or you helped them; anyone who asked anonymously shows as "anonymous".';

/** Everything about one member, as plain JSON: the `/privacy export` file. `P` is the member's stored choices. */
export interface PrivacyExport<P = unknown> {
  readonly about: string;
  readonly exportedAt: string;
  readonly guildId: string;
  readonly memberId: string;
  readonly preferences: P | null;
  readonly requests: ReadonlyArray<{
    readonly id: string;
    readonly topic: string;
    readonly anonymous: boolean;
    readonly status: HelpRequest['status'];
    readonly openedAt: string;
    readonly closedAt: string | null;
    readonly offers: ReadonlyArray<{ readonly giverId: string; readonly message: string | null; readonly at: string; readonly confirmed: boolean }>;
    /** What they added without their name: when, its post, and the words while still waiting to be posted. */
    readonly additions: ReadonlyArray<{ readonly at: string; readonly messageId: string | null; readonly words: string | null }>;
  }>;
  readonly offersMade: ReadonlyArray<{
    readonly requestId: string;
    readonly requestTopic: string;
    /** The asker's id, or "anonymous" when they asked without their name. */
    readonly askedBy: string;
    readonly requestStatus: HelpRequest['status'];
    readonly message: string | null;
    readonly at: string;
    readonly confirmed: boolean;
  }>;
  /** The member's practical tasks with their reports, newest (the current one) first. */
  readonly tasks: readonly PracticalTask[];
  /**
   * The server's current or last meeting, if its record names the member: that they took part, their
   * rating, their role, and the words of any check-in they shared that is not posted yet (`posted: false`).
   */
  readonly meetings: readonly MeetingPart[];
  /** The bot's posts in meeting threads that repeat the member's words (shared check-ins) or name them as chair. */
  readonly meetingPosts: ReadonlyArray<{ readonly channelId: string; readonly messageId: string; readonly kind: 'check-in' | 'names you as chair' }>;
  /** Their place on the chairing rotation, or null. */
  readonly chairRotation: ChairRotationPart | null;
  readonly ledgerEvents: readonly LedgerEvent[];
  /**
   * Notes to the moderators about the member (crisis alerts): when, why, the words noticed in their
   * own public post (never private words), and whether a moderator took it (not who).
   */
  readonly crisisAlerts: ReadonlyArray<{
    readonly raisedAt: string;
    readonly reason: 'crisis words in a public post' | 'you asked a moderator to check in';
    readonly wordsNoticed: readonly string[];
    readonly taken: boolean;
  }>;
}

/** Everything a guild keeps that the export looks through, as read from storage. */
export interface ExportSource<P> {
  readonly guildId: string;
  readonly memberId: string;
  readonly exportedAt: Date;
  /** Every request the guild keeps (the member's own, and those they offered on, are picked out). */
  readonly requests: readonly HelpRequest[];
  /** Every ledger event the guild keeps (those naming the member are picked out). */
  readonly ledgerEvents: readonly LedgerEvent[];
  readonly tasks: MemberTasks;
  readonly meetings: MeetingRecords;
  /** The member's stored choices, or null when they never changed anything. */
  readonly preferences: P | null;
  /** Every crisis alert the guild keeps (those about the member are picked out). */
  readonly crisisAlerts: readonly CrisisAlert[];
}

/**
 * How the member may see another member of a help relation on request `requestId`: by id, unless
 * that member asked anonymously ("anonymous"), or it can no longer be told whether they did
 * ("withheld": neither the request nor its opening event is kept). The member themself is always
 * shown by id. `anonymity` maps request ids to whether they were asked anonymously.
 */
export function otherMember(anonymity: ReadonlyMap<string, boolean>, memberId: string, otherId: string, requestId: string): string {
  if (otherId === memberId) return otherId;
  const anonymous = anonymity.get(requestId);
  return anonymous === undefined ? WITHHELD : anonymous ? ANONYMOUS : otherId;
}

/** Whether each request was asked anonymously: from the ledger's opening events, then the kept requests (which win). */
export function requestAnonymity(requests: readonly HelpRequest[], events: readonly LedgerEvent[]): Map<string, boolean> {
  const anonymity = new Map<string, boolean>();
  for (const event of events) if (event.kind === 'request-opened') anonymity.set(event.requestId, event.anonymous);
  for (const request of requests) anonymity.set(request.id, request.anonymous);
  return anonymity;
}

/**
 * The member's export. Another member's id appears only as the other side of a help relation (who
 * offered on their request, whose request they offered on, the other member of an offer in the
 * ledger), and never when that other member asked anonymously: then it reads "anonymous" (or
 * "withheld" when that can no longer be told). Givers are shown: they chose to step forward.
 */
export function buildExport<P>(source: ExportSource<P>): PrivacyExport<P> {
  const { memberId, requests } = source;
  const anonymity = requestAnonymity(requests, source.ledgerEvents);
  const ledgerEvents = source.ledgerEvents
    .filter((event) => membersOf(event).includes(memberId))
    .map((event): LedgerEvent => {
      if (event.kind !== 'offer-made' && event.kind !== 'offer-confirmed') return event;
      // Givers never hide (they chose to step forward); only the receiver, who asked, may be anonymous.
      return { ...event, receiverId: otherMember(anonymity, memberId, event.receiverId, event.requestId) };
    });
  const { part, posts, rotation } = meetingDataOf(source.meetings, memberId);

  return {
    about: EXPORT_ABOUT,
    exportedAt: source.exportedAt.toISOString(),
    guildId: source.guildId,
    memberId,
    preferences: source.preferences,
    requests: requests
      .filter((request) => request.askerId === memberId)
      .map((request) => ({
        id: request.id,
        topic: request.topic,
        anonymous: request.anonymous,
        status: request.status,
        openedAt: request.openedAt,
        closedAt: request.closedAt,
        offers: request.offers.map((offer) => ({ giverId: offer.giverId, message: offer.message, at: offer.at, confirmed: offer.confirmed })),
        additions: (request.additions ?? []).map(({ at, messageId, words }) => ({ at, messageId, words: words ?? null })),
      })),
    offersMade: requests.flatMap((request) =>
      request.offers
        .filter((offer) => offer.giverId === memberId)
        .map((offer) => ({
          requestId: request.id,
          requestTopic: request.topic,
          askedBy: request.anonymous ? ANONYMOUS : request.askerId,
          requestStatus: request.status,
          message: offer.message,
          at: offer.at,
          confirmed: offer.confirmed,
        })),
    ),
    tasks: source.tasks.current ? [source.tasks.current, ...source.tasks.history] : [...source.tasks.history],
    meetings: part ? [part] : [],
    meetingPosts: posts.map((post) => ({
      channelId: post.channelId,
      messageId: post.messageId,
      kind: post.action === 'delete' ? ('check-in' as const) : ('names you as chair' as const),
    })),
    chairRotation: rotation,
    ledgerEvents,
    crisisAlerts: source.crisisAlerts
      .filter((alert) => alert.memberId === memberId)
      .map((alert) => ({
        raisedAt: alert.raisedAt,
        reason: alert.source === 'public-post' ? ('crisis words in a public post' as const) : ('you asked a moderator to check in' as const),
        wordsNoticed: alert.terms,
        taken: alert.takenBy !== null,
      })),
  };
}
