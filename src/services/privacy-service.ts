import type { HelpRules } from '../config/help-rules.ts';
import { membersOf, type LedgerEvent } from '../domain/help/ledger-events.ts';
import { withoutMember, type PostNaming } from '../domain/meetings/meeting-record.ts';
import { buildExport, type PrivacyExport } from '../domain/privacy/export.ts';
import { checkInPosts, meetingDataOf, namedAsChair, type ChairRotationPart, type MeetingData, type MeetingPart } from '../domain/privacy/member-data.ts';
import type { HelpRequest, Offer } from '../domain/requests/help-request.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { redactMember, type CrisisAlert } from '../domain/safety/crisis-alert.ts';
import { taskCount } from '../domain/tasks/practical-task.ts';
import type { CircleSettingsRepository } from '../store/circle-settings-repository.ts';
import type { ChangeFeed } from './changes.ts';
import type { CrisisAlertStore } from '../store/crisis-alert-store.ts';
import type { GuildWriteQueue } from '../store/guild-write-queue.ts';
import type { HelpRequestStore } from '../store/help-request-store.ts';
import type { LedgerStore } from '../store/ledger-store.ts';
import type { MeetingStore } from '../store/meeting-store.ts';
import type { MemberPrefs, MemberPrefsStore } from '../store/member-prefs-store.ts';
import type { TaskStore } from '../store/task-store.ts';
import { REMOVED_MEMBER } from '../domain/removed-member.ts';
import { removeEvents } from './ledger-recording.ts';

export type { MeetingPart } from '../domain/privacy/member-data.ts';
export { ANONYMOUS, WITHHELD, type PrivacyExport } from '../domain/privacy/export.ts';

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
  readonly chairRotation: ChairRotationPart | null;
  /** Crisis alerts to moderators about them (deletion removes their name, link and words; that one existed stays). */
  readonly crisisAlerts: number;
  /** Crisis alerts they took as a moderator (deletion keeps that each was taken, not by whom). */
  readonly alertsTaken: number;
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
  readonly chairRotation: ChairRotationPart | null;
  readonly crisisAlerts: number;
  readonly alertsTaken: number;
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
  /** Crisis alerts about the member, or that they took as a moderator, as they are now (redacted): their posts should say so. */
  readonly redactedAlerts: readonly CrisisAlert[];
}

export type DeletionProblem = { readonly kind: 'not-yours' } | { readonly kind: 'expired' };

/** The stores a member's data lives in: the same instances the other services use, so their caches stay true. */
export interface PrivacyServiceDeps {
  readonly requests: HelpRequestStore;
  readonly ledger: LedgerStore;
  readonly prefs: MemberPrefsStore;
  readonly tasks: TaskStore;
  readonly meetings: MeetingStore;
  readonly alerts: CrisisAlertStore;
  readonly circleSettings: CircleSettingsRepository;
  readonly queue: GuildWriteQueue;
  readonly rules: Pick<HelpRules, 'retentionDays'>;
  /** A deletion that takes the member out of a voice meeting's speaking order publishes `turns`, so its message drops their name. */
  readonly changes?: ChangeFeed;
  readonly now?: () => Date;
}

/** How long a "Delete my data" button stays valid after `/privacy delete` showed it. */
export const DELETE_CONFIRMATION_MS = 10 * 60_000;

/**
 * A member's rights over what the bot keeps about them: see it, pause recording, take a copy, delete
 * it. It reads and deletes through the stores (the retention rule that forgets old records on its own
 * is RetentionService's).
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
    const alerts = (await this.deps.alerts.get(guildId)) ?? [];
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
      checkInPosts: checkInPosts(meetingData.posts),
      namedAsChair: namedAsChair(meetingData.posts),
      chairRotation: meetingData.rotation,
      crisisAlerts: alerts.filter((alert) => alert.memberId === memberId).length,
      alertsTaken: alerts.filter((alert) => alert.takenBy === memberId).length,
    };
  }

  /** From now on, nothing naming this member is added to the ledger (ledger-recording.ts). */
  pause(guildId: string, memberId: string): Promise<void> {
    return this.setRecordingPaused(guildId, memberId, true);
  }

  /**
   * Counting starts again, and a break from invitations to help ends too, so one command brings
   * everything back; `invitationsResumed` says whether there was such a break.
   */
  resume(guildId: string, memberId: string): Promise<{ invitationsResumed: boolean }> {
    return this.deps.queue.run(guildId, async (tx) => {
      const prefs = await this.deps.prefs.get(guildId, memberId);
      const off = prefs.helpingPromptsOffUntil;
      const invitationsResumed = off !== null && Date.parse(off) > this.now().getTime();
      if (prefs.recordingPaused || off !== null) await this.deps.prefs.put(tx, memberId, { ...prefs, recordingPaused: false, helpingPromptsOffUntil: null });
      return { invitationsResumed };
    });
  }

  /** Everything about the member, anonymised as src/domain/privacy/export.ts says. */
  async export(guildId: string, memberId: string): Promise<PrivacyExport<MemberPrefs>> {
    return buildExport({
      guildId,
      memberId,
      exportedAt: this.now(),
      requests: await this.allRequests(guildId),
      ledgerEvents: await this.allEvents(guildId),
      tasks: await this.deps.tasks.get(guildId, memberId),
      meetings: {
        meeting: await this.deps.meetings.get(guildId),
        earlierPosts: await this.deps.meetings.earlierPosts(guildId),
        chairVolunteers: await this.deps.meetings.chairVolunteers(guildId),
      },
      preferences: (await this.deps.prefs.stored(guildId, memberId)) ?? null,
      crisisAlerts: (await this.deps.alerts.get(guildId)) ?? [],
    });
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
   * the references to earlier meetings' posts naming them, and their place on the chairing rotation;
   * takes their id, link and words out of every crisis alert about them (that an alert happened stays),
   * and stops the circle settings naming them as the last to change them. All in one run of the guild's
   * write queue, through the stores. Updating the posts in Discord is the caller's part, from the outcome.
   */
  async delete(guildId: string, memberId: string): Promise<DeletionOutcome> {
    const outcome = await this.deleteInRun(guildId, memberId);
    if (outcome.removed.meeting?.speakingTurn) await this.deps.changes?.publish({ kind: 'turns', guildId });
    return outcome;
  }

  private deleteInRun(guildId: string, memberId: string): Promise<DeletionOutcome> {
    const { deps } = this;
    return deps.queue.run(guildId, async (tx) => {
      const removedRequests: HelpRequest[] = [];
      const removedOffers: Array<{ request: HelpRequest; offer: Offer }> = [];
      for (const request of await this.allRequests(guildId)) {
        if (request.askerId === memberId) {
          await deps.requests.remove(tx, request.id);
          removedRequests.push(request);
          continue;
        }
        const theirs = request.offers.filter((offer) => offer.giverId === memberId);
        if (theirs.length === 0) continue;
        await deps.requests.put(tx, { ...request, offers: request.offers.filter((offer) => offer.giverId !== memberId) });
        for (const offer of theirs) removedOffers.push({ request, offer });
      }
      if (removedRequests.length > 0)
        await deps.requests.forget(
          tx,
          removedRequests.map((request) => request.id),
        );
      const ledgerEvents = await removeEvents(deps.ledger, tx, (event) => membersOf(event).includes(memberId));
      const tasks = await deps.tasks.remove(tx, memberId);
      const prefs = await deps.prefs.remove(tx, memberId);

      const meetingData = await this.meetingDataOf(guildId, memberId);
      // The meeting record keeps who took part, ratings, posts made for members, its starter and chair: the member leaves it.
      const meeting = await deps.meetings.get(guildId);
      if (meeting && meetingData.part) await deps.meetings.put(tx, withoutMember(meeting, memberId, this.now()));
      const earlier = await deps.meetings.earlierPosts(guildId);
      if (earlier.some((post) => post.memberId === memberId))
        await deps.meetings.putEarlierPosts(
          tx,
          earlier.filter((post) => post.memberId !== memberId),
        );
      if (meetingData.rotation) {
        const volunteers = await deps.meetings.chairVolunteers(guildId);
        await deps.meetings.putChairVolunteers(
          tx,
          volunteers.filter((volunteer) => volunteer.memberId !== memberId),
        );
      }

      // A safety record without identity stays: that an alert happened, when, and that it was taken.
      const { alerts, redacted, unnamedTaker } = redactMember((await deps.alerts.get(guildId)) ?? [], memberId);
      if (redacted.length + unnamedTaker.length > 0) await deps.alerts.updateInRun(tx, () => ok(alerts));
      // The change to the set-up stays; who made it does not.
      const settings = await deps.circleSettings.get(guildId);
      if (settings?.updatedBy === memberId) await deps.circleSettings.updateInRun(tx, () => ok({ ...settings, updatedBy: REMOVED_MEMBER }));

      return {
        removed: {
          requests: removedRequests.length,
          offers: removedOffers.length,
          tasks,
          ledgerEvents,
          prefs,
          meeting: meetingData.part,
          checkInPosts: checkInPosts(meetingData.posts),
          namedAsChair: namedAsChair(meetingData.posts),
          chairRotation: meetingData.rotation,
          crisisAlerts: redacted.length,
          alertsTaken: unnamedTaker.length,
        },
        removedRequests,
        removedOffers,
        meetingPosts: meetingData.posts,
        redactedAlerts: [...redacted, ...unnamedTaker],
      };
    });
  }

  private setRecordingPaused(guildId: string, memberId: string, paused: boolean): Promise<void> {
    return this.deps.queue.run(guildId, async (tx) => {
      const prefs = await this.deps.prefs.get(guildId, memberId);
      if (prefs.recordingPaused !== paused) await this.deps.prefs.put(tx, memberId, { ...prefs, recordingPaused: paused });
    });
  }

  private async allRequests(guildId: string): Promise<HelpRequest[]> {
    const requests = await Promise.all((await this.deps.requests.allIds(guildId)).map((id) => this.deps.requests.get(guildId, id)));
    return requests.filter((request): request is HelpRequest => request !== undefined);
  }

  /** What the meeting records keep about the member (src/domain/privacy/member-data.ts). */
  private async meetingDataOf(guildId: string, memberId: string): Promise<MeetingData> {
    const { meetings } = this.deps;
    return meetingDataOf(
      { meeting: await meetings.get(guildId), earlierPosts: await meetings.earlierPosts(guildId), chairVolunteers: await meetings.chairVolunteers(guildId) },
      memberId,
    );
  }

  private async allEvents(guildId: string): Promise<LedgerEvent[]> {
    const days = await this.deps.ledger.days(guildId);
    return (await Promise.all(days.map((day) => this.deps.ledger.dayEvents(guildId, day)))).flat();
  }
}
