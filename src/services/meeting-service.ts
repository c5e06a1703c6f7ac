import type { CircleSettings } from '../domain/circle/circle-settings.ts';
import { chairSuggestion } from '../domain/meetings/chair.ts';
import { scaleFormat, type MeetingAction, type MeetingFormat } from '../domain/meetings/format.ts';
import {
  commentsForModerators,
  newMeetingRecord,
  summarize,
  withAction,
  withCommentsSettled,
  withCheckInPosted,
  withRating,
  type MeetingRating,
  type MeetingRecord,
  type MeetingSummary,
} from '../domain/meetings/meeting-record.ts';
import {
  acceptsAction,
  advance,
  catchUp,
  end,
  extend,
  pause,
  remainingInRound,
  resume,
  startMeeting,
  type ActionProblem,
  type MeetingProblem,
  type MeetingState,
} from '../domain/meetings/meeting-state.ts';
import { attendanceThresholdMs, withVoiceClosed } from '../domain/meetings/voice-turns.ts';
import type { HelpRequest } from '../domain/requests/help-request.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { everyGuild, type OwnsGuild } from '../domain/shards.ts';
import type { GuildWrite, GuildWriteQueue } from '../store/guild-write-queue.ts';
import type { MeetingStore } from '../store/meeting-store.ts';
import type { CircleService } from './circle-service.ts';
import type { ChangeFeed } from './changes.ts';
import type { HelpService } from './help-service.ts';
import { prepareEvents, prepareForMeeting, recordEvents, type LedgerRecordingDeps } from './ledger-recording.ts';
import { newRecordId } from './record-ids.ts';

export type MeetingServiceProblem =
  | MeetingProblem
  | { readonly kind: 'not-set-up' }
  | { readonly kind: 'already-running' }
  | { readonly kind: 'no-meeting' }
  | { readonly kind: 'unknown-format'; readonly name: string; readonly known: readonly string[] };

export type Steering = { readonly kind: 'next' | 'pause' | 'resume' | 'end' } | { readonly kind: 'extend'; readonly minutes: number };

export interface MeetingServiceDeps extends LedgerRecordingDeps {
  readonly circle: CircleService;
  readonly help: HelpService;
  readonly meetings: MeetingStore;
  readonly queue: GuildWriteQueue;
  readonly formats: ReadonlyMap<string, MeetingFormat>;
  readonly defaultFormat: string;
  /** Length of a format "minute": 60 000 ms, or a few seconds in the demo and tests. */
  readonly minuteMs?: number;
  /** Where started and steered meetings are announced, for the Discord layer to show. */
  readonly changes?: ChangeFeed;
  /** Format minutes in the voice channel that count as taking part (default 5). */
  readonly voiceAttendanceMinutes?: number;
  /** Fewer taking part than this (`reflectionMinActive`, default 5) makes a small group: the summary says "a few" for 1 or 2. */
  readonly smallGroupBelow?: number;
  readonly now?: () => Date;
  /** The guilds this process serves (its shards): start-up picks up only their unfinished meetings. */
  readonly owns?: OwnsGuild;
}

/**
 * Meetings: one active meeting per guild, its rounds advancing on their deadlines or when steered,
 * and what members do in each round. Every change is stored (in the guild's write queue) before
 * anyone is answered; posting to Discord happens afterwards, from the stored record.
 */
export class MeetingService {
  private readonly now: () => Date;

  constructor(private readonly deps: MeetingServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  formatNames(): string[] {
    return [...this.deps.formats.keys()];
  }

  format(name: string): MeetingFormat | undefined {
    return this.deps.formats.get(name);
  }

  current(guildId: string): Promise<MeetingRecord | undefined> {
    return this.deps.meetings.get(guildId);
  }

  /** Guilds this process serves with a meeting not yet wrapped up. */
  async unfinishedGuilds(): Promise<string[]> {
    return (await this.deps.meetings.unfinished()).filter(this.deps.owns ?? everyGuild);
  }

  async start(
    guildId: string,
    moderatorId: string,
    formatName: string | undefined,
    voiceChannelId?: string,
  ): Promise<Result<{ record: MeetingRecord; settings: CircleSettings }, MeetingServiceProblem>> {
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return err({ kind: 'not-set-up' });
    const started = await this.deps.queue.run(guildId, (tx) =>
      this.startInQueue(tx, settings, { starterId: moderatorId, formatName, ...(voiceChannelId ? { voiceChannelId } : {}) }),
    );
    if (!started.ok) return started;
    await this.deps.changes?.publish({ kind: 'meeting', guildId });
    // As it is once shown: opening the meeting in Discord stored its thread.
    return ok({ record: (await this.deps.meetings.get(guildId)) ?? started.value.record, settings });
  }

  /**
   * Starts a meeting in the run whose handle is `tx`, for its guild (the scheduler marks its occurrence
   * as fired in the same run, so an occurrence and its meeting are stored together). `durationMinutes`
   * scales the format's rounds to fit; `note` is posted in the thread (for example "started late").
   * A scheduled meeting has no starter: the rotation's volunteer, if any, is invited to chair.
   * `voiceChannelId` (else the circle's default) is where it talks; sharing rounds then keep a speaking order.
   */
  async startInQueue(
    tx: GuildWrite,
    settings: CircleSettings,
    input: { starterId: string | null; formatName: string | undefined; durationMinutes?: number; note?: string; voiceChannelId?: string },
  ): Promise<Result<{ record: MeetingRecord; settings: CircleSettings }, MeetingServiceProblem>> {
    const { guildId } = tx;
    const name = input.formatName ?? this.deps.defaultFormat;
    const shipped = this.deps.formats.get(name);
    if (!shipped) return err({ kind: 'unknown-format', name, known: this.formatNames() });
    const scaled = input.durationMinutes === undefined ? ok(shipped) : scaleFormat(shipped, input.durationMinutes);
    const format = scaled.ok ? scaled.value : shipped;
    const existing = await this.deps.meetings.get(guildId);
    if (existing && existing.state.status !== 'ended') return err({ kind: 'already-running' });
    const now = this.now();
    const suggestedChairId = await this.rotateChair(tx, input.starterId, existing?.attendees ?? [], now);
    const chairId = input.starterId ?? suggestedChairId;
    const state = startMeeting({ id: newRecordId(), format, now, chairId, minuteMs: this.deps.minuteMs });
    const record = {
      ...newMeetingRecord({
        state,
        guildId,
        channelId: settings.circleChannelId,
        startedBy: input.starterId ?? 'schedule',
        suggestedChairId: input.starterId ? suggestedChairId : null,
      }),
      pendingNotes: input.note ? [input.note] : [],
      voiceChannelId: input.voiceChannelId ?? settings.voiceChannelId ?? null,
      // The fair order rotates by it: each meeting of the circle is one more than the last.
      meetingNumber: existing ? (existing.meetingNumber ?? 0) + 1 : 0,
    };
    await this.deps.meetings.put(tx, record);
    await prepareForMeeting(this.deps, tx, now, settings.timezone);
    return ok({ record, settings });
  }

  /** A moderator's steering. Deadlines that passed are applied first, so it acts on the real current round. */
  async steer(guildId: string, steering: Steering): Promise<Result<{ before: MeetingRecord; after: MeetingRecord }, MeetingServiceProblem>> {
    const steered = await this.update(guildId, (record, now) => {
      const state = catchUp(record.state, now).state;
      const changed = applySteering(state, steering, now);
      return changed.ok ? ok(this.closedIfEnded({ ...record, state: changed.value })) : changed;
    });
    if (steered.ok) await this.deps.changes?.publish({ kind: 'meeting', guildId });
    return steered;
  }

  /** The timer's tick (and start-up's catch-up): moves past every deadline that has passed. */
  async tick(guildId: string): Promise<{ record: MeetingRecord | undefined; advancedRounds: number }> {
    return this.deps.queue.run(guildId, async (tx) => {
      const record = await this.deps.meetings.get(guildId);
      if (!record) return { record, advancedRounds: 0 };
      const caught = catchUp(record.state, this.now());
      if (caught.advancedRounds === 0) return { record, advancedRounds: 0 };
      const next = this.closedIfEnded({ ...record, state: caught.state });
      await this.deps.meetings.put(tx, next);
      return { record: next, advancedRounds: caught.advancedRounds };
    });
  }

  /** Stores what has been posted for the meeting (Discord ids, notes delivered). */
  markPosted(guildId: string, meetingId: string, change: (record: MeetingRecord) => MeetingRecord, within?: GuildWrite): Promise<MeetingRecord | undefined> {
    return this.deps.queue.run(
      guildId,
      async (tx) => {
        const record = await this.deps.meetings.get(guildId);
        if (!record || record.state.id !== meetingId) return record;
        const next = change(record);
        await this.deps.meetings.put(tx, next);
        return next;
      },
      within,
    );
  }

  /**
   * Checks a member's round action against the meeting as it is now (stale buttons are refused) and,
   * when it counts, records their attendance and the action.
   */
  recordAction(
    guildId: string,
    meetingId: string,
    roundIndex: number,
    memberId: string,
    action: MeetingAction,
    extra?: (record: MeetingRecord) => MeetingRecord,
    /** The run this is a step of (a member action composing it), if any. */
    within?: GuildWrite,
  ): Promise<Result<MeetingRecord, ActionProblem | { kind: 'no-meeting' }>> {
    return this.deps.queue.run(
      guildId,
      async (tx) => {
        const record = await this.deps.meetings.get(guildId);
        if (!record || record.state.id !== meetingId) return err({ kind: 'no-meeting' as const });
        const allowed = this.checkAction(record, roundIndex, action);
        if (!allowed.ok) return allowed;
        const next = (extra ?? ((r: MeetingRecord) => r))(withAction(record, memberId, action));
        // Attendance and every action go into the ledger too (words never do). Both writes are handed
        // over together, so the group commit stores them in one transaction: all of the action or none.
        const settings = await this.deps.circle.settings(guildId);
        const event = { id: newRecordId(), at: this.now().toISOString(), kind: 'meeting-action', memberId, meetingId, action } as const;
        const timezone = settings?.timezone ?? 'UTC';
        await prepareEvents(this.deps, guildId, timezone, [event]);
        await Promise.all([this.deps.meetings.put(tx, next), recordEvents(this.deps, tx, timezone, [event])]);
        return ok(next);
      },
      within,
    );
  }

  /** Whether an action from a round's button still counts, without recording anything (before a modal). */
  async canAct(
    guildId: string,
    meetingId: string,
    roundIndex: number,
    action: MeetingAction,
  ): Promise<Result<MeetingRecord, ActionProblem | { kind: 'no-meeting' }>> {
    const record = await this.deps.meetings.get(guildId);
    if (!record || record.state.id !== meetingId) return err({ kind: 'no-meeting' });
    const allowed = this.checkAction(record, roundIndex, action);
    return allowed.ok ? ok(record) : allowed;
  }

  /**
   * A member's rating. Its comment is kept only if the circle has a moderators' channel, where it may be
   * shared without names when the meeting ends (the form says so); otherwise it is not kept at all.
   * `withheld: true` keeps the comment from ever being forwarded.
   */
  async rate(guildId: string, meetingId: string, roundIndex: number, rating: MeetingRating) {
    const kept = rating.comment !== null && (await this.commentsReachModerators(guildId)) ? rating.comment : null;
    const stored: MeetingRating = { memberId: rating.memberId, score: rating.score, comment: kept, ...(rating.withheld ? { withheld: true } : {}) };
    return this.recordAction(guildId, meetingId, roundIndex, rating.memberId, 'rate-meeting', (record) => withRating(record, stored));
  }

  /** Whether rating comments can reach the circle's moderators at all: the circle has a moderators' channel. */
  async commentsReachModerators(guildId: string): Promise<boolean> {
    return Boolean((await this.deps.circle.settings(guildId))?.modChannelId);
  }

  /**
   * The ended meeting's rating comments to post in the moderators' channel, without names and in
   * alphabetical order; null when none are to be shown (fewer than 3 rated, no comments, none that may
   * be forwarded, or no moderators' channel).
   */
  async commentsToShare(record: MeetingRecord): Promise<{ channelId: string; comments: string[] } | null> {
    const channelId = (await this.deps.circle.settings(record.guildId))?.modChannelId;
    const comments = commentsForModerators(record);
    return channelId && comments && comments.length > 0 ? { channelId, comments } : null;
  }

  /** Stores what became of the comments (posted or not shown) and forgets them. In the guild's write queue. */
  settleComments(guildId: string, meetingId: string, outcome: 'posted' | 'not-shown'): Promise<MeetingRecord | undefined> {
    return this.markPosted(guildId, meetingId, (record) => withCommentsSettled(record, outcome));
  }

  /**
   * Rotation (docs/research.md: rotating roles matters): among the last meeting's attendees who volunteered,
   * the one who chaired least recently is invited. The starter counts as having chaired now.
   */
  private async rotateChair(tx: GuildWrite, starterId: string | null, recentAttendees: readonly string[], now: Date): Promise<string | null> {
    const volunteers = await this.deps.meetings.chairVolunteers(tx.guildId);
    const recent = new Set(recentAttendees);
    const suggested = chairSuggestion(
      volunteers.filter((v) => recent.has(v.memberId) && v.memberId !== starterId),
      now,
    );
    const chairedNow = new Set([...(starterId ? [starterId] : []), ...(suggested ? [suggested] : [])]);
    if (volunteers.some((v) => chairedNow.has(v.memberId))) {
      await this.deps.meetings.putChairVolunteers(
        tx,
        volunteers.map((v) => (chairedNow.has(v.memberId) ? { ...v, lastChairedAt: now.toISOString() } : v)),
      );
    }
    return suggested;
  }

  /** A member offers to chair some time, or withdraws the offer. Returns whether they are now on the rotation. */
  volunteerToChair(guildId: string, meetingId: string, roundIndex: number, memberId: string): Promise<Result<boolean, ActionProblem | { kind: 'no-meeting' }>> {
    return this.deps.queue.run(guildId, async (tx) => {
      const record = await this.deps.meetings.get(guildId);
      if (!record || record.state.id !== meetingId) return err({ kind: 'no-meeting' as const });
      const allowed = this.checkAction(record, roundIndex, 'rate-meeting');
      if (!allowed.ok) return allowed;
      const volunteers = await this.deps.meetings.chairVolunteers(guildId);
      const current = volunteers.find((v) => v.memberId === memberId);
      const optedIn = !(current?.optedIn ?? false);
      const updatedAt = this.now().toISOString(); // retention counts from the member's last choice
      const next = current
        ? volunteers.map((v) => (v.memberId === memberId ? { ...v, optedIn, updatedAt } : v))
        : [...volunteers, { memberId, optedIn, lastChairedAt: null, updatedAt }];
      await this.deps.meetings.putChairVolunteers(tx, next);
      return ok(optedIn);
    });
  }

  /** The title of the round the meeting is in, as its format names it. */
  currentRoundTitle(record: MeetingRecord): string {
    return this.roundTitle(record, record.state.roundIndex);
  }

  /** Round `index`'s title from its format (its id when the format no longer has it). */
  roundTitle(record: MeetingRecord, index: number): string {
    const plan = record.state.rounds[index];
    return this.format(record.state.format)?.rounds.find((round) => round.id === plan?.id)?.title ?? plan?.id ?? '';
  }

  /** Milliseconds left in the current round by the services' clock (null once ended). */
  timeLeftInRound(record: MeetingRecord): number | null {
    return remainingInRound(record.state, this.now());
  }

  /** The needs raised in this meeting that a member can still help with: open, and not their own. */
  async requestsToHelpWith(record: MeetingRecord, memberId: string): Promise<HelpRequest[]> {
    const open: HelpRequest[] = [];
    for (const id of record.requestIds) {
      const request = await this.deps.help.request(record.guildId, id);
      if (request && request.status === 'open' && request.askerId !== memberId) open.push(request);
    }
    return open;
  }

  /** Remembers a post the bot made in the meeting's thread for a member, so that deleting their data can find it. */
  recordMemberPost(guildId: string, meetingId: string, memberId: string, messageId: string): Promise<MeetingRecord | undefined> {
    return this.markPosted(guildId, meetingId, (record) => ({ ...record, sharedPosts: [...(record.sharedPosts ?? []), { memberId, messageId }] }));
  }

  /**
   * A pending shared check-in was posted as `messageId`: its words are forgotten and the post is kept, so
   * that deleting the member's data can find and delete it. In the guild's write queue; marking twice
   * records it once.
   */
  checkInPosted(guildId: string, meetingId: string, pendingId: string, memberId: string, messageId: string): Promise<MeetingRecord | undefined> {
    return this.markPosted(guildId, meetingId, (record) => withCheckInPosted(record, pendingId, memberId, messageId));
  }

  /** Forgets a pending shared check-in Discord would not show (the member is told it failed). */
  withdrawCheckIn(guildId: string, meetingId: string, pendingId: string): Promise<MeetingRecord | undefined> {
    return this.markPosted(guildId, meetingId, (record) => ({
      ...record,
      pendingCheckIns: (record.pendingCheckIns ?? []).filter((pending) => pending.id !== pendingId),
    }));
  }

  /** Links a help request raised in this meeting (needs round) to it, for the summary. */
  addRequest(guildId: string, meetingId: string, requestId: string, within?: GuildWrite): Promise<MeetingRecord | undefined> {
    return this.markPosted(guildId, meetingId, (record) => ({ ...record, requestIds: [...record.requestIds, requestId] }), within);
  }

  /** Unlinks a request that was never shown (Discord refused its post), so the summary does not count it. */
  removeRequest(guildId: string, meetingId: string, requestId: string, within?: GuildWrite): Promise<MeetingRecord | undefined> {
    return this.markPosted(guildId, meetingId, (record) => ({ ...record, requestIds: record.requestIds.filter((id) => id !== requestId) }), within);
  }

  async summary(record: MeetingRecord): Promise<MeetingSummary> {
    const answered = new Set<string>();
    for (const id of record.requestIds) {
      const request = await this.deps.help.request(record.guildId, id);
      if (request && request.offers.length > 0) answered.add(id);
    }
    return summarize(record, answered, this.deps.smallGroupBelow);
  }

  /** A meeting that ended counts time in voice up to its end as attendance, then forgets it (only the yes stays). */
  private closedIfEnded(record: MeetingRecord): MeetingRecord {
    if (record.state.status !== 'ended') return record;
    return withVoiceClosed(record, attendanceThresholdMs(record, this.deps.voiceAttendanceMinutes));
  }

  private checkAction(record: MeetingRecord, roundIndex: number, action: MeetingAction) {
    return acceptsAction(record.state, roundIndex, action, this.now());
  }

  private update<E>(
    guildId: string,
    change: (record: MeetingRecord, now: Date) => Result<MeetingRecord, E>,
  ): Promise<Result<{ before: MeetingRecord; after: MeetingRecord }, E | { kind: 'no-meeting' }>> {
    return this.deps.queue.run(guildId, async (tx) => {
      const record = await this.deps.meetings.get(guildId);
      if (!record || record.state.status === 'ended') return err({ kind: 'no-meeting' as const });
      const changed = change(record, this.now());
      if (!changed.ok) return changed;
      await this.deps.meetings.put(tx, changed.value);
      return ok({ before: record, after: changed.value });
    });
  }
}

function applySteering(state: MeetingState, steering: Steering, now: Date): Result<MeetingState, MeetingProblem> {
  switch (steering.kind) {
    case 'next':
      return advance(state, now);
    case 'pause':
      return pause(state, now);
    case 'resume':
      return resume(state, now);
    case 'end':
      return end(state, now);
    case 'extend':
      return extend(state, steering.minutes, now);
  }
}
