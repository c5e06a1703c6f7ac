import type { HelpRules } from '../config/help-rules.ts';
import { membersOf, type LedgerEvent } from '../domain/help/ledger-events.ts';
import { expiredDays, keepRotationSince, meetingExpired, retentionCutoff } from '../domain/help/retention.ts';
import { namesMember, postsNaming, withoutMember, type MeetingRecord, type PostNaming } from '../domain/meetings/meeting-record.ts';
import type { HelpRequest, Offer } from '../domain/requests/help-request.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { keepTasksSince, taskCount, type PracticalTask } from '../domain/tasks/practical-task.ts';
import type { GuildWriteQueue } from '../store/guild-write-queue.ts';
import type { GuildIndex } from '../store/guild-index.ts';
import type { MeetingStore } from '../store/meeting-store.ts';
import type { HelpRequestStore } from '../store/help-request-store.ts';
import type { LedgerStore } from '../store/ledger-store.ts';
import type { MemberPrefs, MemberPrefsStore } from '../store/member-prefs-store.ts';
import type { TaskStore } from '../store/task-store.ts';
import type { CircleService } from './circle-service.ts';
import type { HelpService } from './help-service.ts';
import type { SafetyService } from './safety-service.ts';
import type { CrisisAlert } from '../domain/safety/crisis-alert.ts';

/** What the server's current or last meeting record keeps about one member. */
export interface MeetingPart {
  readonly meetingId: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** They took an action in it (checked in, asked, offered, committed, reported or rated). */
  readonly tookPart: boolean;
  readonly rating: { readonly score: number; readonly comment: string | null } | null;
  readonly startedIt: boolean;
  readonly chaired: boolean;
  readonly invitedToChair: boolean;
}

/** Kinds of data about one member, with how many of each: what `/privacy delete` lists and removes. */
export interface DataCounts {
  readonly requests: number;
  readonly offers: number;
  readonly tasks: number;
  readonly ledgerEvents: number;
  readonly prefs: boolean;
  /** Their part in the current or last meeting's record. */
  readonly meeting: MeetingPart | null;
  /** Check-ins the bot posted for them in meeting threads (this and earlier meetings it still knows). */
  readonly checkInPosts: number;
  /** Meeting posts (opening, rounds) that mention them as chair or invited chair. */
  readonly namedAsChair: boolean;
  /** Their entry on the chairing rotation (whether they volunteered, and when they last chaired). */
  readonly chairRotation: { readonly optedIn: boolean; readonly lastChairedAt: string | null } | null;
  /** Crisis alerts to moderators about them (deletion removes their name, link and words; that one existed stays). */
  readonly crisisAlerts: number;
}

/** Counts of what is kept about one member in one guild: what `/privacy show` tells them. */
export interface PrivacySummary {
  readonly requests: { readonly open: number; readonly closed: number; readonly anonymous: number };
  readonly offersMade: number;
  /** Practical tasks kept: the current one and earlier ones. */
  readonly tasks: number;
  readonly ledgerEvents: number;
  readonly recordingPaused: boolean;
  /** While in the future, invitations to help others are off. */
  readonly helpingPromptsOffUntil: string | null;
  /** Whether a settings record exists at all (pause choices, the over-helping guard's last invitation). */
  readonly hasPrefs: boolean;
  readonly retentionDays: number;
  readonly meeting: MeetingPart | null;
  readonly checkInPosts: number;
  readonly namedAsChair: boolean;
  readonly chairRotation: DataCounts['chairRotation'];
  readonly crisisAlerts: number;
}

/** Written in place of another member's id when that member asked anonymously. */
export const ANONYMOUS = 'anonymous';
/** Written in place of another member's id when it can no longer be told whether they asked anonymously. */
export const WITHHELD = 'withheld';

/** Everything about one member, as plain JSON: the `/privacy export` file. */
export interface PrivacyExport {
  readonly about: string;
  readonly exportedAt: string;
  readonly guildId: string;
  readonly memberId: string;
  readonly preferences: MemberPrefs | null;
  readonly requests: ReadonlyArray<{
    readonly id: string;
    readonly topic: string;
    readonly anonymous: boolean;
    readonly status: HelpRequest['status'];
    readonly openedAt: string;
    readonly closedAt: string | null;
    readonly offers: ReadonlyArray<{ readonly giverId: string; readonly message: string | null; readonly at: string; readonly confirmed: boolean }>;
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
  /** The server's current or last meeting, if its record names the member: that they took part, their rating, their role. */
  readonly meetings: readonly MeetingPart[];
  /** The bot's posts in meeting threads that repeat the member's words (shared check-ins) or name them as chair. */
  readonly meetingPosts: ReadonlyArray<{ readonly channelId: string; readonly messageId: string; readonly kind: 'check-in' | 'names you as chair' }>;
  /** Their place on the chairing rotation, or null. */
  readonly chairRotation: DataCounts['chairRotation'];
  readonly ledgerEvents: readonly LedgerEvent[];
}

/** What `/privacy delete` removed, and where in Discord the removed things were shown. */
export interface DeletionOutcome {
  readonly removed: DataCounts;
  /** The member's own requests, as they were: their posts should now say the request was removed. */
  readonly removedRequests: readonly HelpRequest[];
  /** The member's offers on others' requests, as they were: their posts should go. */
  readonly removedOffers: ReadonlyArray<{ readonly request: HelpRequest; readonly offer: Offer }>;
  /** Meeting posts that repeated the member's words (to delete) or mentioned them as chair (to unname). */
  readonly meetingPosts: readonly PostNaming[];
  /** Crisis alerts about the member, as they are now (redacted): their posts should say so. */
  readonly redactedAlerts: readonly CrisisAlert[];
}

export type DeletionProblem = { readonly kind: 'not-yours' } | { readonly kind: 'expired' };

/** What a retention run removed, over all guilds. */
export interface PurgeOutcome {
  readonly guilds: number;
  readonly days: number;
  readonly ledgerEvents: number;
  readonly requests: number;
  readonly tasks: number;
  /** Meeting records forgotten (one per guild at most: the last meeting's). */
  readonly meetings: number;
  /** Entries taken off the chairing rotation. */
  readonly chairVolunteers: number;
  /** References to earlier meetings' posts naming members, forgotten. */
  readonly meetingPosts: number;
  /** Crisis alert records forgotten. */
  readonly crisisAlerts: number;
}

export interface PrivacyServiceDeps {
  readonly circle: CircleService;
  readonly help: HelpService;
  readonly requests: HelpRequestStore;
  readonly ledger: LedgerStore;
  readonly prefs: MemberPrefsStore;
  readonly tasks: TaskStore;
  readonly meetings: MeetingStore;
  readonly guilds: GuildIndex;
  readonly queue: GuildWriteQueue;
  readonly rules: HelpRules;
  readonly safety: SafetyService;
  readonly now?: () => Date;
}

/** How long a "Delete my data" button stays valid after `/privacy delete` showed it. */
export const DELETE_CONFIRMATION_MS = 10 * 60_000;

/**
 * A member's rights over what the bot keeps about them: see it, pause recording, take a copy, delete
 * it; and the retention rule that forgets old ledger days and long-closed requests on its own.
 * The stores are the same instances HelpService uses, so their in-memory caches stay true.
 */
export class PrivacyService {
  private readonly now: () => Date;

  constructor(private readonly deps: PrivacyServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async describe(guildId: string, memberId: string): Promise<PrivacySummary> {
    const requests = await this.allRequests(guildId);
    const own = requests.filter((request) => request.askerId === memberId);
    const offersMade = requests.reduce((count, request) => count + request.offers.filter((offer) => offer.giverId === memberId).length, 0);
    const events = (await this.allEvents(guildId)).filter((event) => membersOf(event).includes(memberId));
    const prefs = await this.deps.prefs.stored(guildId, memberId);
    const tasks = await this.deps.tasks.get(guildId, memberId);
    const promptsOffUntil = prefs?.helpingPromptsOffUntil ?? null;
    const meetingData = await this.meetingDataOf(guildId, memberId);
    return {
      requests: {
        open: own.filter((request) => request.status === 'open').length,
        closed: own.filter((request) => request.status === 'closed').length,
        anonymous: own.filter((request) => request.anonymous).length,
      },
      offersMade,
      tasks: taskCount(tasks),
      ledgerEvents: events.length,
      recordingPaused: prefs?.recordingPaused ?? false,
      helpingPromptsOffUntil: promptsOffUntil !== null && Date.parse(promptsOffUntil) > this.now().getTime() ? promptsOffUntil : null,
      hasPrefs: prefs !== undefined,
      retentionDays: this.deps.rules.retentionDays,
      meeting: meetingData.part,
      checkInPosts: meetingData.posts.filter((post) => post.action === 'delete').length,
      namedAsChair: meetingData.posts.some((post) => post.action === 'unname'),
      chairRotation: meetingData.rotation,
      crisisAlerts: (await this.deps.safety.alerts(guildId)).filter((alert) => alert.memberId === memberId).length,
    };
  }

  /** From now on, nothing naming this member is added to the ledger (HelpService.record). */
  pause(guildId: string, memberId: string): Promise<void> {
    return this.setRecordingPaused(guildId, memberId, true);
  }

  resume(guildId: string, memberId: string): Promise<void> {
    return this.setRecordingPaused(guildId, memberId, false);
  }

  /**
   * Everything about the member. Another member's id appears only as the other side of a help relation
   * (who offered on their request, whose request they offered on), and never when that other member
   * asked anonymously: then it reads "anonymous".
   */
  async export(guildId: string, memberId: string): Promise<PrivacyExport> {
    const requests = await this.allRequests(guildId);
    const allEvents = await this.allEvents(guildId);
    const anonymity = new Map<string, boolean>();
    for (const event of allEvents) if (event.kind === 'request-opened') anonymity.set(event.requestId, event.anonymous);
    for (const request of requests) anonymity.set(request.id, request.anonymous);

    /** The other member of a help relation, as the member may see them. */
    const other = (id: string, requestId: string): string => {
      if (id === memberId) return id;
      const anonymous = anonymity.get(requestId);
      return anonymous === undefined ? WITHHELD : anonymous ? ANONYMOUS : id;
    };

    const ledgerEvents = allEvents
      .filter((event) => membersOf(event).includes(memberId))
      .map((event): LedgerEvent => {
        if (event.kind !== 'offer-made' && event.kind !== 'offer-confirmed') return event;
        // Givers never hide (they chose to step forward); only the receiver, who asked, may be anonymous.
        return { ...event, receiverId: other(event.receiverId, event.requestId) };
      });

    return {
      about: 'Everything Helper Circle keeps about you in this server. Other members appear only by id, and only where they helped you or you helped them; anyone who asked anonymously shows as "anonymous".',
      exportedAt: this.now().toISOString(),
      guildId,
      memberId,
      preferences: (await this.deps.prefs.stored(guildId, memberId)) ?? null,
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
      tasks: await this.tasksOf(guildId, memberId),
      ...(await this.meetingDataOf(guildId, memberId).then(({ part, posts, rotation }) => ({
        meetings: part ? [part] : [],
        meetingPosts: posts.map((post) => ({ channelId: post.channelId, messageId: post.messageId, kind: post.action === 'delete' ? ('check-in' as const) : ('names you as chair' as const) })),
        chairRotation: rotation,
      }))),
      ledgerEvents,
    };
  }

  /** What a "Delete my data" button carries: when it was issued, so a late click can be refused. */
  deletionToken(): string {
    return this.now().getTime().toString(36);
  }

  /**
   * Deletes everything about `ownerId` once they confirmed: the clicker must be the member who asked
   * for the deletion, and the button must be fresh. One run of the guild's write queue.
   */
  async confirmDeletion(guildId: string, clickerId: string, ownerId: string, token: string): Promise<Result<DeletionOutcome, DeletionProblem>> {
    if (clickerId !== ownerId) return err({ kind: 'not-yours' });
    const issuedAt = Number.parseInt(token, 36);
    const age = this.now().getTime() - issuedAt;
    if (!Number.isFinite(issuedAt) || age < 0 || age > DELETE_CONFIRMATION_MS) return err({ kind: 'expired' });
    return ok(await this.delete(guildId, ownerId));
  }

  /**
   * Removes the member's requests (records and open index), their offers on others' requests, their
   * practical tasks, every ledger event naming them, their settings, their part in the last meeting's
   * record (attendance, rating and comment, the posts made for them, their name as starter or chair),
   * the references to earlier meetings' posts naming them, and their place on the chairing rotation,
   * in one run of the guild's write queue. Updating the posts in Discord is the caller's part, from the
   * outcome.
   */
  async delete(guildId: string, memberId: string): Promise<DeletionOutcome> {
    const outcome = await this.deleteStored(guildId, memberId);
    // Alerts keep their own order in the same queue (after the rest): a safety record without identity stays.
    const redactedAlerts = await this.deps.safety.redactMember(guildId, memberId);
    await this.deps.circle.forgetMember(guildId, memberId);
    return { ...outcome, removed: { ...outcome.removed, crisisAlerts: redactedAlerts.length }, redactedAlerts };
  }

  private deleteStored(guildId: string, memberId: string): Promise<Omit<DeletionOutcome, 'redactedAlerts'>> {
    return this.deps.queue.run(guildId, async () => {
      const removedRequests: HelpRequest[] = [];
      const removedOffers: Array<{ request: HelpRequest; offer: Offer }> = [];
      for (const request of await this.allRequests(guildId)) {
        if (request.askerId === memberId) {
          await this.deps.requests.remove(guildId, request.id);
          removedRequests.push(request);
          continue;
        }
        const theirs = request.offers.filter((offer) => offer.giverId === memberId);
        if (theirs.length === 0) continue;
        await this.deps.requests.put(guildId, { ...request, offers: request.offers.filter((offer) => offer.giverId !== memberId) });
        for (const offer of theirs) removedOffers.push({ request, offer });
      }
      if (removedRequests.length > 0) await this.deps.requests.forget(guildId, removedRequests.map((request) => request.id));
      const ledgerEvents = await this.deps.help.removeEvents(guildId, (event) => membersOf(event).includes(memberId));
      const tasks = await this.deps.tasks.remove(guildId, memberId);
      const prefs = await this.deps.prefs.remove(guildId, memberId);
      const meetingData = await this.meetingDataOf(guildId, memberId);
      // The meeting record keeps who took part, ratings, posts made for members, its starter and chair: the member leaves it.
      const meeting = await this.deps.meetings.get(guildId);
      if (meeting && namesMember(meeting, memberId)) await this.deps.meetings.put(withoutMember(meeting, memberId));
      const earlier = await this.deps.meetings.earlierPosts(guildId);
      if (earlier.some((post) => post.memberId === memberId)) await this.deps.meetings.putEarlierPosts(guildId, earlier.filter((post) => post.memberId !== memberId));
      const volunteers = await this.deps.meetings.chairVolunteers(guildId);
      if (meetingData.rotation) await this.deps.meetings.putChairVolunteers(guildId, volunteers.filter((volunteer) => volunteer.memberId !== memberId));
      return {
        removed: {
          requests: removedRequests.length,
          offers: removedOffers.length,
          tasks,
          ledgerEvents,
          prefs,
          meeting: meetingData.part,
          checkInPosts: meetingData.posts.filter((post) => post.action === 'delete').length,
          namedAsChair: meetingData.posts.some((post) => post.action === 'unname'),
          chairRotation: meetingData.rotation,
          crisisAlerts: 0,
        },
        removedRequests,
        removedOffers,
        meetingPosts: meetingData.posts,
      };
    });
  }

  /**
   * The retention rule, for every guild with help data (and any `alsoGuildIds`, such as the guilds the
   * bot is in, for data kept before the index existed): ledger days wholly older than `retentionDays`
   * and requests closed longer ago than that are removed, and so are practical tasks last committed to
   * or reported on longer ago than that. Open requests stay, however old. The last meeting's record
   * goes once it ended longer ago than that, with the references to earlier meetings' posts from before
   * then, and so do chairing-rotation entries not refreshed (volunteered, stepped off or chaired) since.
   * Each guild is one run of its write queue. Safe to run at any time and as often as wanted.
   */
  async purgeExpired(now: Date = this.now(), alsoGuildIds: Iterable<string> = []): Promise<PurgeOutcome> {
    const guildIds = new Set([...(await this.deps.guilds.all()), ...(await this.deps.meetings.guildsWithData()), ...(await this.deps.safety.guildsWithAlerts()), ...alsoGuildIds]);
    const retentionDays = this.deps.rules.retentionDays;
    const cutoff = retentionCutoff(now, retentionDays);
    let days = 0;
    let ledgerEvents = 0;
    let requests = 0;
    let tasks = 0;
    let meetings = 0;
    let chairVolunteers = 0;
    let meetingPosts = 0;
    let crisisAlerts = 0;
    for (const guildId of guildIds) {
      const timezone = (await this.deps.circle.settings(guildId))?.timezone ?? 'UTC';
      await this.deps.queue.run(guildId, async () => {
        for (const day of expiredDays(await this.deps.ledger.days(guildId), now, retentionDays, timezone)) {
          ledgerEvents += (await this.deps.ledger.dayEvents(guildId, day)).length;
          await this.deps.ledger.rewriteDay(guildId, day, []);
          days += 1;
        }
        const expired: string[] = [];
        for (const id of await this.deps.requests.allIds(guildId)) {
          const request = await this.deps.requests.get(guildId, id);
          if (!request) {
            expired.push(id); // an id whose record is already gone: tidy the list
            continue;
          }
          if (request.status === 'closed' && request.closedAt !== null && Date.parse(request.closedAt) < cutoff) {
            await this.deps.requests.remove(guildId, id);
            expired.push(id);
            requests += 1;
          }
        }
        if (expired.length > 0) await this.deps.requests.forget(guildId, expired);
        for (const memberId of await this.deps.tasks.memberIds(guildId)) {
          const before = await this.deps.tasks.get(guildId, memberId);
          const kept = keepTasksSince(before, cutoff);
          const gone = taskCount(before) - taskCount(kept);
          if (gone === 0) continue;
          await this.deps.tasks.put(guildId, memberId, kept);
          tasks += gone;
        }
        const meeting = await this.deps.meetings.get(guildId);
        if (meeting && meetingExpired(meeting, now, retentionDays)) {
          await this.deps.meetings.remove(guildId);
          meetings += 1;
        }
        const earlier = await this.deps.meetings.earlierPosts(guildId);
        const keptPosts = earlier.filter((post) => !(Date.parse(post.at) < cutoff));
        if (keptPosts.length < earlier.length) {
          await this.deps.meetings.putEarlierPosts(guildId, keptPosts);
          meetingPosts += earlier.length - keptPosts.length;
        }
        const rotation = keepRotationSince(await this.deps.meetings.chairVolunteers(guildId), now, retentionDays);
        if (rotation.changed) await this.deps.meetings.putChairVolunteers(guildId, rotation.kept);
        chairVolunteers += rotation.removed;
      });
      crisisAlerts += await this.deps.safety.purge(guildId, new Date(cutoff));
    }
    return { guilds: guildIds.size, days, ledgerEvents, requests, tasks, meetings, chairVolunteers, meetingPosts, crisisAlerts };
  }

  private setRecordingPaused(guildId: string, memberId: string, paused: boolean): Promise<void> {
    return this.deps.queue.run(guildId, async () => {
      const prefs = await this.deps.prefs.get(guildId, memberId);
      if (prefs.recordingPaused !== paused) await this.deps.prefs.put(guildId, memberId, { ...prefs, recordingPaused: paused });
    });
  }

  private async allRequests(guildId: string): Promise<HelpRequest[]> {
    const requests = await Promise.all((await this.deps.requests.allIds(guildId)).map((id) => this.deps.requests.get(guildId, id)));
    return requests.filter((request): request is HelpRequest => request !== undefined);
  }

  /**
   * What the meeting records keep about the member: their part in the current or last meeting, the
   * posts naming them (that meeting's and earlier ones'), and their chairing-rotation entry.
   */
  private async meetingDataOf(guildId: string, memberId: string): Promise<{ part: MeetingPart | null; posts: PostNaming[]; rotation: DataCounts['chairRotation'] }> {
    const meeting = await this.deps.meetings.get(guildId);
    const part = meeting && namesMember(meeting, memberId) ? meetingPart(meeting, memberId) : null;
    const posts = [
      ...(meeting ? postsNaming(meeting).filter((post) => post.memberId === memberId) : []),
      ...(await this.deps.meetings.earlierPosts(guildId))
        .filter((post) => post.memberId === memberId)
        .map(({ memberId: id, channelId, messageId, action }): PostNaming => ({ memberId: id, channelId, messageId, action })),
    ];
    const entry = (await this.deps.meetings.chairVolunteers(guildId)).find((volunteer) => volunteer.memberId === memberId);
    return { part, posts, rotation: entry ? { optedIn: entry.optedIn, lastChairedAt: entry.lastChairedAt } : null };
  }

  private async tasksOf(guildId: string, memberId: string): Promise<PracticalTask[]> {
    const { current, history } = await this.deps.tasks.get(guildId, memberId);
    return current ? [current, ...history] : [...history];
  }

  private async allEvents(guildId: string): Promise<LedgerEvent[]> {
    const days = await this.deps.ledger.days(guildId);
    return (await Promise.all(days.map((day) => this.deps.ledger.dayEvents(guildId, day)))).flat();
  }
}

function meetingPart(meeting: MeetingRecord, memberId: string): MeetingPart {
  const rating = meeting.ratings.find((candidate) => candidate.memberId === memberId);
  return {
    meetingId: meeting.state.id,
    startedAt: meeting.state.startedAt,
    endedAt: meeting.state.endedAt,
    tookPart: meeting.attendees.includes(memberId),
    rating: rating ? { score: rating.score, comment: rating.comment } : null,
    startedIt: meeting.startedBy === memberId,
    chaired: meeting.state.chairId === memberId,
    invitedToChair: meeting.suggestedChairId === memberId,
  };
}
