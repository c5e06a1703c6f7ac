import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { z } from 'zod';
import { EXTEND_MINUTES } from '../src/domain/meetings/meeting-state.ts';
import type { MeetingAction } from '../src/domain/meetings/format.ts';
import type { MeetingRecord } from '../src/domain/meetings/meeting-record.ts';
import { DEFAULT_MEETING_FORMAT } from '../src/config/meeting-formats.ts';
import { accessDenied, invokerOf } from '../src/discord/access.ts';
import { onComponent, type CommandContext, type ComponentContext } from '../src/discord/command.ts';
import { idPart } from '../src/discord/custom-id.ts';
import { meetingFormatChoices } from '../src/discord/format-choices.ts';
import { showOffer, showRequest } from '../src/discord/help-actions.ts';
import { MEETING_IDS, postSharedCheckIn, type RoundArgs } from '../src/discord/meeting-posts.ts';
import {
  checkedIn,
  checkInForm,
  FORM_IDS,
  MEETING_FORM_FIELD,
  meetingStarted,
  meetingStatus,
  meetingSteered,
  needForm,
  noMeeting,
  offerPick,
  rateForm,
  ratingSaved,
  reportForm,
  reportQuestion,
  roundOfferForm,
  roundTaskCommitted,
  roundTaskReported,
  taskForm,
  volunteered,
} from '../src/discord/meeting-views.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { VOICE_CHANNEL_TYPES, voiceChannelOption } from '../src/discord/voice-channel.ts';
import { reply, showModal, UserFacingError, type Outcome } from '../src/discord/reply.ts';
import { TURN_IDS } from '../src/discord/turn-posts.ts';
import { speakerName, turnPressed, turnStatusLine } from '../src/discord/turn-views.ts';
import type { Steering } from '../src/services/meeting-service.ts';

export const definition = new SlashCommandBuilder()
  .setName('meeting')
  .setDescription('Run a structured mutual-help meeting')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageEvents)
  .addSubcommand((s) =>
    s
      .setName('start')
      .setDescription('Start a meeting in a new thread of the circle channel')
      .addStringOption((o) =>
        o
          .setName('format')
          .setDescription(`Which meeting format (default: ${DEFAULT_MEETING_FORMAT})`)
          .addChoices(...meetingFormatChoices({ withLength: true })),
      )
      .addChannelOption((o) =>
        o
          .setName('voice-channel')
          .setDescription("Voice or Stage channel to talk in (default: the circle's)")
          .addChannelTypes(...VOICE_CHANNEL_TYPES),
      ),
  )
  .addSubcommand((s) => s.setName('next').setDescription('End this round now and move on'))
  .addSubcommand((s) =>
    s
      .setName('extend')
      .setDescription('Give this round more time')
      .addIntegerOption((o) =>
        o.setName('minutes').setDescription('How many minutes more').setRequired(true).setMinValue(EXTEND_MINUTES.min).setMaxValue(EXTEND_MINUTES.max),
      ),
  )
  .addSubcommand((s) => s.setName('pause').setDescription('Stop the clock (members can still take part)'))
  .addSubcommand((s) => s.setName('resume').setDescription('Start the clock again'))
  .addSubcommand((s) => s.setName('end').setDescription('End the meeting now and post its summary'))
  .addSubcommand((s) => s.setName('status').setDescription('Where the meeting is'))
  .toJSON();

export const access = 'moderator';

const subcommand = z.enum(['start', 'next', 'extend', 'pause', 'resume', 'end', 'status']);

export async function execute(context: CommandContext): Promise<Outcome> {
  const { interaction, services, guildId } = context;
  const chosen = subcommand.parse(interaction.options.getSubcommand(true));
  if (chosen === 'start') {
    const voiceChannelId = voiceChannelOption(interaction, 'voice-channel');
    const started = await services.meetings.start(guildId, context.userId, interaction.options.getString('format') ?? undefined, voiceChannelId);
    if (!started.ok) throw new UserFacingError(problemText.meeting(started.error));
    return reply(meetingStarted(started.value.record.threadId, started.value.record.channelId));
  }
  if (chosen === 'status') {
    const record = await services.meetings.current(guildId);
    if (!record) return reply(noMeeting());
    const status = meetingStatus(record, services.meetings.currentRoundTitle(record), services.meetings.timeLeftInRound(record));
    const speaking = services.turns.status(record);
    if (!speaking) return reply(status);
    const speaker = speaking.speaker === null ? null : await speakerName(context.client, context.guildId, speaking.speaker);
    return reply({ ...status, content: `${status.content}\n${turnStatusLine(speaker, speaking.waiting)}` });
  }

  const steering: Steering = chosen === 'extend' ? { kind: 'extend', minutes: interaction.options.getInteger('minutes', true) } : { kind: chosen };
  const steered = await services.meetings.steer(guildId, steering);
  if (!steered.ok) throw new UserFacingError(problemText.meeting(steered.error));
  return reply(meetingSteered(steering, steered.value.after, services.meetings.currentRoundTitle(steered.value.after)));
}

// ----- Round actions: ids carry `meetingId:roundIndex` (ROUND_PARTS); a click from a round that is over changes nothing.

/** The round an id was posted for, without what else it carries. */
const roundOf = ({ args: { meetingId, roundIndex } }: ComponentContext<RoundArgs>): RoundArgs => ({ meetingId, roundIndex });

async function mustAct(context: ComponentContext<RoundArgs>, action: MeetingAction): Promise<MeetingRecord> {
  const { meetingId, roundIndex } = context.args;
  const allowed = await context.services.meetings.canAct(context.guildId, meetingId, roundIndex, action);
  if (!allowed.ok) throw new UserFacingError(problemText.meetingAction(allowed.error));
  return allowed.value;
}

const modalField = (context: ComponentContext, id: string = MEETING_FORM_FIELD) =>
  context.interaction.isModalSubmit() ? context.interaction.fields.getTextInputValue(id).trim() : '';

const checkIn = onComponent(MEETING_IDS.checkIn, {
  access: 'member',
  async handle(context) {
    await mustAct(context, 'check-in');
    return showModal(checkInForm(roundOf(context)));
  },
});

const checkInModal = onComponent(FORM_IDS.checkInModal, {
  access: 'member',
  async handle(context) {
    const shared = modalField(context);
    context.care.screen(shared, 'public');
    // One use case: the round check, the action and the shared words stored as a pending post.
    const checked = await context.services.actions.checkIn(context.guildId, roundOf(context), context.userId, shared);
    if (!checked.ok) throw new UserFacingError(problemText.meetingAction(checked.error));
    const { record: meeting, pending } = checked.value;
    if (pending && meeting.threadId) {
      let postId: string;
      try {
        postId = await postSharedCheckIn(context.client, context.services.meetings, meeting, pending);
      } catch (error) {
        // Discord would not show it: it is not posted later either (the member is told it failed).
        await context.services.meetings.withdrawCheckIn(context.guildId, meeting.state.id, pending.id);
        throw error;
      }
      await context.care.alertAboutPost({ what: 'check-in', words: pending.words, channelId: meeting.threadId, messageId: postId, anonymous: false });
    }
    return reply(checkedIn());
  },
});

const need = onComponent(MEETING_IDS.need, {
  access: 'member',
  async handle(context) {
    await mustAct(context, 'need-help');
    return showModal(needForm(roundOf(context), context.args.who));
  },
});

const needModal = onComponent(FORM_IDS.needModal, {
  access: 'member',
  async handle(context) {
    const topic = modalField(context);
    context.care.screen(topic, 'public');
    const raised = await context.services.actions.raiseNeed(context.guildId, roundOf(context), context.userId, topic, context.args.who === 'anonymous');
    if (!raised.ok) throw new UserFacingError(problemText.meetingHelp(raised.error));
    return showRequest(context, raised.value, context.args.meetingId);
  },
});

const offer = onComponent(MEETING_IDS.offer, {
  access: 'member',
  async handle(context) {
    const meeting = await mustAct(context, 'offer-help');
    return reply(offerPick(roundOf(context), await context.services.meetings.requestsToHelpWith(meeting, context.userId)));
  },
});

const offerSelect = onComponent(FORM_IDS.offerSelect, {
  access: 'member',
  async handle(context) {
    await mustAct(context, 'offer-help');
    const requestId = idPart.safeParse(context.interaction.isStringSelectMenu() ? context.interaction.values[0] : undefined);
    if (!requestId.success) throw new UserFacingError(problemText.help({ kind: 'unknown-request' }));
    return showModal(roundOfferForm(roundOf(context), requestId.data));
  },
});

const offerModal = onComponent(FORM_IDS.offerModal, {
  access: 'member',
  async handle(context) {
    const message = modalField(context) || null;
    context.care.screen(message, 'public');
    const offered = await context.services.actions.offerInRound(context.guildId, roundOf(context), context.userId, context.args.requestId, message);
    if (!offered.ok) throw new UserFacingError(problemText.meetingHelp(offered.error));
    return showOffer(context, offered.value);
  },
});

const commitTask = onComponent(MEETING_IDS.commitTask, {
  access: 'member',
  async handle(context) {
    await mustAct(context, 'commit-task');
    return showModal(taskForm(roundOf(context)));
  },
});

const commitTaskModal = onComponent(FORM_IDS.commitTaskModal, {
  access: 'member',
  async handle(context) {
    const task = modalField(context);
    context.care.screen(task, 'private');
    const committed = await context.services.actions.commitInRound(context.guildId, roundOf(context), context.userId, task);
    if (!committed.ok) throw new UserFacingError(problemText.meetingTask(committed.error));
    return reply(roundTaskCommitted(committed.value.task));
  },
});

const reportTask = onComponent(MEETING_IDS.reportTask, {
  access: 'member',
  async handle(context) {
    await mustAct(context, 'report-task');
    return reply(reportQuestion(roundOf(context), await context.services.tasks.current(context.guildId, context.userId)));
  },
});

const reportOutcome = onComponent(FORM_IDS.reportOutcome, {
  access: 'member',
  async handle(context) {
    await mustAct(context, 'report-task');
    return showModal(reportForm(roundOf(context), context.args.outcome));
  },
});

const reportModal = onComponent(FORM_IDS.reportModal, {
  access: 'member',
  async handle(context) {
    const note = modalField(context) || null;
    context.care.screen(note, 'private');
    const { outcome } = context.args;
    const reported = await context.services.actions.reportInRound(context.guildId, roundOf(context), context.userId, outcome, note);
    if (!reported.ok) throw new UserFacingError(problemText.meetingTask(reported.error));
    return reply(roundTaskReported(outcome));
  },
});

const rate = onComponent(MEETING_IDS.rate, {
  access: 'member',
  async handle(context) {
    await mustAct(context, 'rate-meeting');
    // The form says truthfully where a comment goes: to the moderators without a name (3 ratings up), or nowhere.
    return showModal(rateForm(roundOf(context), context.args.score, await context.services.meetings.commentsReachModerators(context.guildId)));
  },
});

const rateModal = onComponent(FORM_IDS.rateModal, {
  access: 'member',
  async handle(context) {
    const { meetingId, roundIndex, score } = context.args;
    const comment = modalField(context) || null;
    // A comment is private words: one that calls for crisis care never reaches the moderators' digest.
    const withheld = context.care.screen(comment, 'private');
    const rated = await context.services.meetings.rate(context.guildId, meetingId, roundIndex, { memberId: context.userId, score, comment, withheld });
    if (!rated.ok) throw new UserFacingError(problemText.meetingAction(rated.error));
    return reply(ratingSaved());
  },
});

const volunteer = onComponent(MEETING_IDS.volunteer, {
  access: 'member',
  async handle(context) {
    const { meetingId, roundIndex } = context.args;
    const changed = await context.services.meetings.volunteerToChair(context.guildId, meetingId, roundIndex, context.userId);
    if (!changed.ok) throw new UserFacingError(problemText.meetingAction(changed.error));
    return reply(volunteered(changed.value));
  },
});

// ----- The speaking order of a sharing round in voice: `mtg-turn:<meetingId>:<roundIndex>:<button>`.

/** Whether the member is one of the circle's moderators (for Done on someone else's turn, and "invite the speaker"). */
async function isModerator(context: ComponentContext): Promise<boolean> {
  const settings = await context.services.circle.settings(context.guildId);
  return accessDenied('moderator', invokerOf(context.interaction), settings) === undefined;
}

const turnPress = onComponent(TURN_IDS.press, {
  access: 'member',
  async handle(context) {
    const { meetingId, roundIndex, button } = context.args;
    const { turns } = context.services;
    if (button === 'invite-on' || button === 'invite-off') {
      const changed = await turns.inviteSpeaker(context.guildId, meetingId, roundIndex, button === 'invite-on', { isModerator: await isModerator(context) });
      if (!changed.ok) throw new UserFacingError(problemText.turn(changed.error));
      return reply(turnPressed(button, changed.value));
    }
    // Only Done lets a moderator act for someone else; the rest is always the member's own choice.
    const actor = { memberId: context.userId, isModerator: button === 'done' && (await isModerator(context)) };
    const pressed = await turns.press(context.guildId, meetingId, roundIndex, button, actor);
    if (!pressed.ok) throw new UserFacingError(problemText.turn(pressed.error));
    return reply(turnPressed(button, pressed.value));
  },
});

export const components = [
  turnPress,
  volunteer,
  checkIn,
  checkInModal,
  need,
  needModal,
  offer,
  offerSelect,
  offerModal,
  commitTask,
  commitTaskModal,
  reportTask,
  reportOutcome,
  reportModal,
  rate,
  rateModal,
];
