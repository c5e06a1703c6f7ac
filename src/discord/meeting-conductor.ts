import type { Client, TextChannel, ThreadChannel } from 'discord.js';
import { nextDeadline } from '../domain/meetings/meeting-state.ts';
import type { MeetingFormat } from '../domain/meetings/format.ts';
import type { MeetingRecord } from '../domain/meetings/meeting-record.ts';
import type { Logger } from '../logging/logger.ts';
import type { MeetingService } from '../services/meeting-service.ts';
import type { SafetyService } from '../services/safety-service.ts';
import { GuildWriteQueue } from '../store/guild-write-queue.ts';
import { text } from '../texts/texts.ts';
import { openingComponents, openingMessage, moderatorCommentsMessages, postSharedCheckIn, roundMessage, summaryMessage, threadName } from './meeting-posts.ts';
import { alertAboutPublicWords } from './crisis-care.ts';
import { DeadlineTimers } from './deadline-timers.ts';
import { postNonce } from './nonce.ts';
import { NO_MENTIONS } from './reply.ts';

/**
 * Keeps each guild's meeting thread in step with the stored meeting: posts the opening, each round
 * once, the catch-up notes, members' shared check-ins still pending, and the summary; disables the buttons of rounds that ended; and keeps one
 * timer per guild at the current round's deadline.
 *
 * Restart-safe by construction: it only ever compares the stored record with what the record says was
 * posted, and every post carries a nonce that Discord enforces, so a post retried after a crash comes
 * back as the original message instead of a second one.
 */
export class MeetingConductor {
  private readonly timers: DeadlineTimers;
  private readonly syncs = new GuildWriteQueue();
  private readonly followers: Array<(guildId: string) => Promise<void>> = [];
  private stopped = false;

  constructor(
    private readonly client: Client,
    private readonly meetings: MeetingService,
    /** Shared check-ins posted at start-up alert the moderators as they would have when first posted. */
    private readonly safety: SafetyService,
    private readonly logger: Logger,
    /** The same clock the services use, so deadlines and timers agree. */
    now: () => Date = () => new Date(),
  ) {
    this.timers = new DeadlineTimers(now);
  }

  /** Start-up: every unfinished meeting moves past the deadlines missed while the bot was down, and is re-armed. */
  async reconcile(): Promise<void> {
    for (const guildId of await this.meetings.unfinishedGuilds()) {
      const { record, advancedRounds } = await this.meetings.tick(guildId);
      if (record && advancedRounds > 0) {
        const note =
          record.state.status === 'ended'
            ? text('meeting.note.caughtUpEnded')
            : text('meeting.note.caughtUp', { number: record.state.roundIndex + 1, title: this.meetings.currentRoundTitle(record) });
        await this.meetings.markPosted(guildId, record.state.id, (r) => ({ ...r, pendingNotes: [...r.pendingNotes, note] }));
      }
      await this.sync(guildId);
    }
  }

  /** Also brings `follower` up to date after each sync (the speaking order follows the rounds). */
  follow(follower: (guildId: string) => Promise<void>): void {
    this.followers.push(follower);
  }

  /** Brings Discord up to date with the stored meeting and re-arms the timer. Never throws. */
  sync(guildId: string): Promise<void> {
    return this.syncs.run(guildId, async () => {
      if (this.stopped) return;
      try {
        await this.syncNow(guildId);
      } catch (error) {
        this.logger.error({ err: error, guildId }, 'could not bring the meeting thread up to date');
      }
      try {
        this.arm(guildId, await this.meetings.current(guildId));
      } catch (error) {
        // The store out of reach for a moment: the next change or restart arms it again.
        this.logger.error({ err: error, guildId }, 'could not re-arm the meeting timer');
      }
      for (const follower of this.followers) await follower(guildId);
    });
  }

  /** Stops every timer and waits for syncs in progress (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.stop();
    await this.syncs.drain();
  }

  private arm(guildId: string, record: MeetingRecord | undefined): void {
    this.timers.arm(guildId, record ? nextDeadline(record.state) : null, () => {
      void this.meetings
        .tick(guildId)
        .then(() => this.sync(guildId))
        .catch((error: unknown) => this.logger.error({ err: error, guildId }, 'meeting timer failed'));
    });
  }

  private async syncNow(guildId: string): Promise<void> {
    let record = await this.meetings.current(guildId);
    if (!record) return;
    const format = this.meetings.format(record.state.format);
    if (!format) throw new Error(`Meeting format "${record.state.format}" is no longer installed`);
    const id = record.state.id;

    if (!record.threadId) {
      const channel = (await this.client.channels.fetch(record.channelId)) as TextChannel;
      const opening = await channel.send({
        content: openingMessage(record, format),
        components: openingComponents(),
        allowedMentions: NO_MENTIONS,
        nonce: postNonce(id, 'open'),
        enforceNonce: true,
      });
      const thread =
        opening.hasThread && opening.thread ? opening.thread : await opening.startThread({ name: threadName(record, format), autoArchiveDuration: 1440 });
      record = (await this.meetings.markPosted(guildId, id, (r) => ({ ...r, openingMessageId: opening.id, threadId: thread.id })))!;
    }
    const thread = (await this.client.channels.fetch(record.threadId!)) as ThreadChannel;
    const { state } = record;

    // Rounds that are over lose their buttons (a stale click is refused anyway; this tells people).
    for (const roundIndex of record.liveRounds.filter((index) => state.status === 'ended' || index !== state.roundIndex)) {
      const messageId = record.roundMessages[String(roundIndex)];
      if (messageId) await thread.messages.edit(messageId, { ...roundMessage(record, format, roundIndex), allowedMentions: NO_MENTIONS });
      record = (await this.meetings.markPosted(guildId, id, (r) => ({ ...r, liveRounds: r.liveRounds.filter((index) => index !== roundIndex) })))!;
    }

    for (const note of record.pendingNotes) {
      await thread.send({ content: note, allowedMentions: NO_MENTIONS });
      record = (await this.meetings.markPosted(guildId, id, (r) => ({ ...r, pendingNotes: r.pendingNotes.filter((pending) => pending !== note) })))!;
    }

    // Shared check-ins stored but not posted (the bot stopped in between): posted now, once (nonce).
    // One that Discord refuses stays pending (logged by ids) and does not hold up the meeting's posts.
    for (const pending of record.pendingCheckIns ?? []) {
      const messageId = await postSharedCheckIn(this.client, this.meetings, record, pending).catch((error: unknown) => {
        this.logger.warn({ err: error, guildId, meetingId: id, checkInId: pending.id }, 'could not post a pending shared check-in');
        return null;
      });
      if (messageId && record.threadId) {
        const posted = { what: 'check-in', words: pending.words, memberId: pending.memberId, channelId: record.threadId, messageId, anonymous: false };
        await alertAboutPublicWords({ client: this.client, safety: this.safety, logger: this.logger }, guildId, posted);
      }
    }
    record = (await this.meetings.current(guildId)) ?? record;

    if (state.status !== 'ended') {
      const roundKey = String(state.roundIndex);
      const existing = record.roundMessages[roundKey];
      if (!existing) {
        const posted = await thread.send({
          ...roundMessage(record, format, state.roundIndex),
          allowedMentions: NO_MENTIONS,
          nonce: postNonce(id, `r${state.roundIndex}`),
          enforceNonce: true,
        });
        await this.meetings.markPosted(guildId, id, (r) => ({
          ...r,
          roundMessages: { ...r.roundMessages, [roundKey]: posted.id },
          liveRounds: [...r.liveRounds.filter((index) => index !== state.roundIndex), state.roundIndex],
          renderedRevision: state.revision,
        }));
      } else if (record.renderedRevision !== state.revision) {
        // Paused, resumed or extended: the round's message shows the new end time.
        await thread.messages.edit(existing, { ...roundMessage(record, format, state.roundIndex), allowedMentions: NO_MENTIONS });
        await this.meetings.markPosted(guildId, id, (r) => ({ ...r, renderedRevision: state.revision }));
      }
      return;
    }

    // The rating comments first (so the guild stays among the unfinished until they are settled):
    // posted once to the moderators' channel without names, or not shown; then forgotten either way.
    if (record.moderatorComments === undefined) record = (await this.settleComments(record, format))!;

    if (!record.summaryMessageId) {
      const summary = await this.meetings.summary(record);
      const content = summaryMessage(summary, format, record.moderatorComments === 'posted');
      const posted = await thread.send({ content, allowedMentions: NO_MENTIONS, nonce: postNonce(id, 'end'), enforceNonce: true });
      await this.meetings.markPosted(guildId, id, (r) => ({ ...r, summaryMessageId: posted.id }));
    }
  }

  /**
   * Posts the ended meeting's rating comments in the moderators' channel with its summary, when there
   * are any to share (src/domain/meetings/meeting-record.ts), each part with a nonce so a retry after a
   * crash repeats nothing; then stores the outcome, which forgets the comments. If Discord refuses the
   * post (no access to the channel, say), the comments are not shown rather than retried forever, and
   * the thread's summary still follows.
   */
  private async settleComments(record: MeetingRecord, format: MeetingFormat): Promise<MeetingRecord | undefined> {
    const { guildId } = record;
    const id = record.state.id;
    const share = await this.meetings.commentsToShare(record);
    let outcome: 'posted' | 'not-shown' = 'not-shown';
    if (share) {
      try {
        const channel = (await this.client.channels.fetch(share.channelId)) as TextChannel;
        const parts = moderatorCommentsMessages(await this.meetings.summary(record), format, record.state.startedAt, share.comments);
        for (const [index, content] of parts.entries()) {
          await channel.send({ content, allowedMentions: NO_MENTIONS, nonce: postNonce(id, 'c', String(index)), enforceNonce: true });
          outcome = 'posted';
        }
      } catch (error) {
        this.logger.warn({ err: error, guildId }, "could not post the meeting's rating comments in the moderators' channel; they were not shown");
      }
    }
    return this.meetings.settleComments(guildId, id, outcome);
  }
}
