import type { MeetingRecord } from '../domain/meetings/meeting-record.ts';
import { nextTurnDeadline, turnStatus, type TurnStatus } from '../domain/meetings/turns.ts';
import {
  attendanceThresholdMs,
  DEFAULT_VOICE_ATTENDANCE_MINUTES,
  isSharingNow,
  type TurnButton,
  type TurnPressProblem,
  type VoiceRoster,
  withInviteSpeaker,
  withPresence,
  withRoster,
  withTurnPress,
  withTurnsStarted,
  withVoiceSettled,
} from '../domain/meetings/voice-turns.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { GuildWriteQueue } from '../store/guild-write-queue.ts';
import type { MeetingStore } from '../store/meeting-store.ts';
import type { ChangeFeed } from './changes.ts';

export interface TurnServiceDeps {
  readonly meetings: MeetingStore;
  readonly queue: GuildWriteQueue;
  readonly changes?: ChangeFeed;
  /** Format minutes in the voice channel that count as taking part. */
  readonly attendanceMinutes?: number;
  readonly now?: () => Date;
}

export type TurnServiceProblem = TurnPressProblem | { readonly kind: 'no-meeting' } | { readonly kind: 'not-stage' } | { readonly kind: 'not-moderator' };

/**
 * Voice meetings' use cases: the speaking order of a sharing round and attendance from presence. Each
 * button press and each presence change is one run of the guild's write queue that stores the meeting
 * and returns it; what changed is published (`turns`) for the Discord layer to show, after the run.
 */
export class TurnService {
  private readonly now: () => Date;
  private readonly attendanceMinutes: number;

  constructor(private readonly deps: TurnServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.attendanceMinutes = deps.attendanceMinutes ?? DEFAULT_VOICE_ATTENDANCE_MINUTES;
  }

  /** How long in voice counts as taking part, in this meeting's minutes. */
  attendMs(record: MeetingRecord): number {
    return attendanceThresholdMs(record, this.attendanceMinutes);
  }

  /**
   * A sharing round began: its order starts from who is in voice now (or the raised hands on a Stage).
   * Idempotent: when it already started, the meeting comes back unchanged.
   */
  startRound(guildId: string, meetingId: string, roster: VoiceRoster, stage: boolean): Promise<MeetingRecord | undefined> {
    return this.change(guildId, meetingId, (record, now) => {
      const started = withTurnsStarted(record, roster, stage, now);
      // Whoever is already in voice counts their time from now.
      return started ? withRoster(started, roster, now, this.attendMs(record)) : record;
    });
  }

  /** Done, Pass, Later or Add me on the speaking-order message of round `roundIndex`. */
  async press(
    guildId: string,
    meetingId: string,
    roundIndex: number,
    button: TurnButton,
    actor: { readonly memberId: string; readonly isModerator: boolean },
  ): Promise<Result<MeetingRecord, TurnServiceProblem>> {
    const pressed = await this.deps.queue.run(guildId, async (tx) => {
      const record = await this.deps.meetings.get(guildId);
      if (!record || record.state.id !== meetingId) return err({ kind: 'no-meeting' as const });
      const next = withTurnPress(record, roundIndex, button, actor, this.now());
      if (!next.ok) return next;
      await this.deps.meetings.put(tx, next.value);
      return ok(next.value);
    });
    if (pressed.ok) await this.deps.changes?.publish({ kind: 'turns', guildId });
    return pressed;
  }

  /** A moderator turns "invite the speaker" on or off (Stage only). */
  async inviteSpeaker(
    guildId: string,
    meetingId: string,
    roundIndex: number,
    on: boolean,
    actor: { readonly isModerator: boolean },
  ): Promise<Result<MeetingRecord, TurnServiceProblem>> {
    // Moving members between the audience and the speakers is the moderators' to switch on or off.
    if (!actor.isModerator) return err({ kind: 'not-moderator' });
    const changed = await this.deps.queue.run(guildId, async (tx) => {
      const record = await this.deps.meetings.get(guildId);
      if (!record || record.state.id !== meetingId) return err({ kind: 'no-meeting' as const });
      if (record.turns?.roundIndex !== roundIndex) return err({ kind: 'no-turns' as const });
      if (!record.turns.stage) return err({ kind: 'not-stage' as const });
      const next = withInviteSpeaker(record, on);
      if (!next.ok) return next;
      await this.deps.meetings.put(tx, next.value);
      return ok(next.value);
    });
    if (changed.ok) await this.deps.changes?.publish({ kind: 'turns', guildId });
    return changed;
  }

  /**
   * A member's voice state changed: `inVoice` is whether they are now in the meeting's voice channel.
   * Returns the meeting when it changed (and publishes it), else undefined.
   */
  async presence(
    guildId: string,
    memberId: string,
    presence: { readonly inVoice: boolean; readonly handRaised: boolean; readonly handLowered?: boolean },
  ): Promise<MeetingRecord | undefined> {
    const before = await this.deps.meetings.get(guildId);
    if (!before?.voiceChannelId || before.state.status === 'ended') return undefined;
    const changed = await this.deps.queue.run(guildId, async (tx) => {
      const record = await this.deps.meetings.get(guildId);
      if (!record) return undefined;
      const next = withPresence(record, memberId, presence, this.now(), this.attendMs(record));
      if (next === record) return undefined;
      await this.deps.meetings.put(tx, next);
      return { record, next };
    });
    if (!changed) return undefined;
    // Only a change to the order is shown; time counted towards attendance is not.
    if (changed.record.turns !== changed.next.turns) await this.deps.changes?.publish({ kind: 'turns', guildId });
    return changed.next;
  }

  /** After a restart: who is in voice now, as the gateway's guild state says. */
  roster(guildId: string, roster: VoiceRoster): Promise<MeetingRecord | undefined> {
    return this.change(guildId, null, (record, now) => withRoster(record, roster, now, this.attendMs(record)));
  }

  /** The timer: grace periods that ended move the order on, and time in voice is counted. */
  settle(guildId: string): Promise<MeetingRecord | undefined> {
    return this.change(guildId, null, (record, now) => withVoiceSettled(record, now, this.attendMs(record)));
  }

  /** Stores what the speaking-order message shows (its id, the revision it last showed, a refusal said). */
  markShown(guildId: string, meetingId: string, change: (record: MeetingRecord) => MeetingRecord): Promise<MeetingRecord | undefined> {
    return this.change(guildId, meetingId, (record) => change(record));
  }

  /** Who is speaking and how many wait, while a sharing round runs in voice (`/meeting status`); else null. */
  status(record: MeetingRecord): TurnStatus | null {
    const turns = record.turns;
    if (!turns || !isSharingNow(record) || turns.roundIndex !== record.state.roundIndex) return null;
    return turnStatus(turns.queue, this.now());
  }

  /**
   * When the voice side next needs a look without anyone acting: a grace period ending, a share's time
   * box running out (the message says so), or someone in voice reaching the attendance threshold.
   */
  nextDeadline(record: MeetingRecord): Date | null {
    if (!record.voiceChannelId || record.state.status === 'ended') return null;
    const now = this.now().getTime();
    const times: number[] = [];
    const turns = isSharingNow(record) && record.turns?.roundIndex === record.state.roundIndex ? record.turns : null;
    const grace = turns ? nextTurnDeadline(turns.queue) : null;
    if (grace) times.push(Date.parse(grace));
    const current = turns?.queue.current;
    if (current) {
      const end = Date.parse(current.since) + current.timeBoxMs;
      if (end > now) times.push(end);
    }
    for (const presence of record.voicePresence ?? []) {
      if (presence.since !== null) times.push(Date.parse(presence.since) + this.attendMs(record) - presence.ms);
    }
    return times.length === 0 ? null : new Date(Math.min(...times));
  }

  private async change(
    guildId: string,
    meetingId: string | null,
    change: (record: MeetingRecord, now: Date) => MeetingRecord,
  ): Promise<MeetingRecord | undefined> {
    return this.deps.queue.run(guildId, async (tx) => {
      const record = await this.deps.meetings.get(guildId);
      if (!record || (meetingId !== null && record.state.id !== meetingId)) return undefined;
      const next = change(record, this.now());
      if (next !== record) await this.deps.meetings.put(tx, next);
      return next;
    });
  }
}
