import { ButtonStyle, ComponentType, PermissionFlagsBits, SlashCommandBuilder, TextInputStyle, type ThreadChannel } from 'discord.js';
import { z } from 'zod';
import { EXTEND_MINUTES } from '../src/domain/meetings/meeting-state.ts';
import type { MeetingAction } from '../src/domain/meetings/format.ts';
import type { MeetingRecord } from '../src/domain/meetings/meeting-record.ts';
import { TOPIC_MAX_LENGTH } from '../src/domain/requests/help-request.ts';
import { TASK_NOTE_MAX_LENGTH, TASK_OUTCOMES, TASK_TEXT_MAX_LENGTH, type TaskOutcome } from '../src/domain/tasks/practical-task.ts';
import { DEFAULT_MEETING_FORMAT } from '../src/config/meeting-formats.ts';
import { onComponent, type CommandContext, type ComponentContext } from '../src/discord/command.ts';
import { customIdCodec, idPart } from '../src/discord/custom-id.ts';
import { meetingFormatChoices } from '../src/discord/format-choices.ts';
import { showOffer, showRequest } from '../src/discord/help-actions.ts';
import { MEETING_IDS, ROUND_PARTS, SCORE_PART, type RoundArgs } from '../src/discord/meeting-posts.ts';
import { problemText } from '../src/discord/problem-texts.ts';
import { NO_MENTIONS, reply, showModal, UserFacingError, type Outcome } from '../src/discord/reply.ts';
import type { Steering } from '../src/services/meeting-service.ts';
import { counted } from '../src/discord/counts.ts';
import { text } from '../src/texts/texts.ts';

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
      ),
  )
  .addSubcommand((s) => s.setName('next').setDescription('End this round now and move on'))
  .addSubcommand((s) =>
    s
      .setName('extend')
      .setDescription('Give this round more time')
      .addIntegerOption((o) => o.setName('minutes').setDescription('How many minutes more').setRequired(true).setMinValue(EXTEND_MINUTES.min).setMaxValue(EXTEND_MINUTES.max)),
  )
  .addSubcommand((s) => s.setName('pause').setDescription('Stop the clock (members can still take part)'))
  .addSubcommand((s) => s.setName('resume').setDescription('Start the clock again'))
  .addSubcommand((s) => s.setName('end').setDescription('End the meeting now and post its summary'))
  .addSubcommand((s) => s.setName('status').setDescription('Where the meeting is'))
  .toJSON();

export const access = 'moderator';

const subcommand = z.enum(['start', 'next', 'extend', 'pause', 'resume', 'end', 'status']);
const relative = (iso: string | Date) => `<t:${Math.floor(new Date(iso).getTime() / 1000)}:R>`;

export async function execute(context: CommandContext): Promise<Outcome> {
  const { interaction, services, guildId } = context;
  const chosen = subcommand.parse(interaction.options.getSubcommand(true));
  if (chosen === 'start') {
    const started = await services.meetings.start(guildId, context.userId, interaction.options.getString('format') ?? undefined);
    if (!started.ok) throw new UserFacingError(problemText.meeting(started.error));
    const record = await services.meetings.current(guildId);
    return reply({ content: text('meeting.started', { thread: record?.threadId ? `<#${record.threadId}>` : `<#${started.value.record.channelId}>` }) });
  }
  if (chosen === 'status') return reply({ content: await status(context) });

  const steering: Steering = chosen === 'extend' ? { kind: 'extend', minutes: interaction.options.getInteger('minutes', true) } : { kind: chosen };
  const steered = await services.meetings.steer(guildId, steering);
  if (!steered.ok) throw new UserFacingError(problemText.meeting(steered.error));
  return reply({ content: steeredText(steering, steered.value.after, services.meetings.currentRoundTitle(steered.value.after)) });
}

function steeredText(steering: Steering, after: MeetingRecord, title: string): string {
  const { state } = after;
  switch (steering.kind) {
    case 'next':
      return state.status === 'ended'
        ? text('meeting.steered.lastRound')
        : text('meeting.steered.next', { number: state.roundIndex + 1, total: state.rounds.length, title });
    case 'pause':
      return text('meeting.steered.pause');
    case 'resume':
      return text('meeting.steered.resume', { relative: relative(state.roundEndsAt!) });
    case 'extend':
      return state.roundEndsAt ? text('meeting.steered.extend', { relative: relative(state.roundEndsAt) }) : text('meeting.steered.pause');
    case 'end':
      return text('meeting.steered.end');
  }
}

async function status({ services, guildId }: CommandContext): Promise<string> {
  const record = await services.meetings.current(guildId);
  if (!record) return text('meeting.noMeeting');
  const { state } = record;
  const common = { number: state.roundIndex + 1, total: state.rounds.length, title: services.meetings.currentRoundTitle(record), attendance: counted('meeting.status.tookPart', record.attendees.length) };
  if (state.status === 'ended') return text('meeting.status.ended', { relative: relative(state.endedAt!) });
  if (state.status === 'paused') return text('meeting.status.paused', { ...common, minutes: `${Math.max(1, Math.round((services.meetings.timeLeftInRound(record) ?? 0) / 60_000))} min` });
  return text('meeting.status.running', { ...common, relative: relative(state.roundEndsAt!) });
}

// ----- Round actions: ids carry `meetingId:roundIndex` (ROUND_PARTS); a click from a round that is over changes nothing.

/** The forms and menus the round buttons open; each carries the round it came from, and what was chosen. */
const FORM_IDS = {
  checkInModal: customIdCodec('mtg-checkin-modal', z.object(ROUND_PARTS)),
  needModal: customIdCodec('mtg-need-modal', z.object({ ...ROUND_PARTS, who: z.enum(['named', 'anonymous']) })),
  offerSelect: customIdCodec('mtg-offer-select', z.object(ROUND_PARTS)),
  offerModal: customIdCodec('mtg-offer-modal', z.object({ ...ROUND_PARTS, requestId: idPart })),
  commitTaskModal: customIdCodec('mtg-task-modal', z.object(ROUND_PARTS)),
  reportOutcome: customIdCodec('mtg-report-outcome', z.object({ ...ROUND_PARTS, outcome: z.enum(TASK_OUTCOMES) })),
  reportModal: customIdCodec('mtg-report-modal', z.object({ ...ROUND_PARTS, outcome: z.enum(TASK_OUTCOMES) })),
  rateModal: customIdCodec('mtg-rate-modal', z.object({ ...ROUND_PARTS, score: SCORE_PART })),
};

/** The round an id was posted for, without what else it carries. */
const roundOf = ({ args: { meetingId, roundIndex } }: ComponentContext<RoundArgs>): RoundArgs => ({ meetingId, roundIndex });

async function mustAct(context: ComponentContext<RoundArgs>, action: MeetingAction): Promise<MeetingRecord> {
  const { meetingId, roundIndex } = context.args;
  const allowed = await context.services.meetings.canAct(context.guildId, meetingId, roundIndex, action);
  if (!allowed.ok) throw new UserFacingError(problemText.meetingAction(allowed.error));
  return allowed.value;
}

async function record(context: ComponentContext<RoundArgs>, action: MeetingAction): Promise<MeetingRecord> {
  const { meetingId, roundIndex } = context.args;
  const recorded = await context.services.meetings.recordAction(context.guildId, meetingId, roundIndex, context.userId, action);
  if (!recorded.ok) throw new UserFacingError(problemText.meetingAction(recorded.error));
  return recorded.value;
}

const modalField = (context: ComponentContext, id: string) => (context.interaction.isModalSubmit() ? context.interaction.fields.getTextInputValue(id).trim() : '');

function textModal(id: string, title: string, label: string, options: { required: boolean; max: number; placeholder?: string; long?: boolean }) {
  return showModal({
    custom_id: id,
    title: title.slice(0, 45),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: 'text',
            style: options.long ? TextInputStyle.Paragraph : TextInputStyle.Short,
            label: label.slice(0, 45),
            required: options.required,
            max_length: options.max,
            ...(options.placeholder ? { placeholder: options.placeholder.slice(0, 100) } : {}),
          },
        ],
      },
    ],
  });
}

const checkIn = onComponent(MEETING_IDS.checkIn, {
  access: 'member',
  async handle(context) {
    await mustAct(context, 'check-in');
    return textModal(FORM_IDS.checkInModal.encode(roundOf(context)), text('meeting.checkIn.modalTitle'), text('meeting.checkIn.label'), {
      required: false,
      max: 500,
      placeholder: text('meeting.checkIn.placeholder'),
      long: true,
    });
  },
});

const checkInModal = onComponent(FORM_IDS.checkInModal, {
  access: 'member',
  async handle(context) {
    const shared = modalField(context, 'text');
    context.care.screen(shared, 'public');
    const meeting = await record(context, 'check-in');
    if (shared && meeting.threadId) {
      const thread = (await context.client.channels.fetch(meeting.threadId)) as ThreadChannel;
      const quoted = shared.split('\n').map((line) => `> ${line}`).join('\n');
      const posted = await thread.send({ content: text('meeting.checkIn.shared', { member: `<@${context.userId}>`, text: quoted }), allowedMentions: NO_MENTIONS });
      await context.services.meetings.recordMemberPost(context.guildId, meeting.state.id, context.userId, posted.id); // so /privacy delete finds it
      await context.care.alertAboutPost({ what: 'check-in', words: shared, channelId: meeting.threadId, messageId: posted.id, anonymous: false });
    }
    return reply({ content: text('meeting.checkIn.done') });
  },
});

const need = onComponent(MEETING_IDS.need, {
  access: 'member',
  async handle(context) {
    await mustAct(context, 'need-help');
    return textModal(FORM_IDS.needModal.encode({ ...roundOf(context), who: context.args.who }), text('meeting.need.modalTitle'), text('meeting.need.label'), { required: true, max: TOPIC_MAX_LENGTH, long: true });
  },
});

const needModal = onComponent(FORM_IDS.needModal, {
  access: 'member',
  async handle(context) {
    const topic = modalField(context, 'text');
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
    const options = (await context.services.meetings.requestsToHelpWith(meeting, context.userId)).map((request) => ({
      label: request.topic.length > 100 ? `${request.topic.slice(0, 99)}…` : request.topic,
      value: request.id,
    }));
    if (options.length === 0) return reply({ content: text('meeting.offer.none') });
    return reply({
      content: text('meeting.offer.pick'),
      components: [
        {
          type: ComponentType.ActionRow,
          components: [{ type: ComponentType.StringSelect, custom_id: FORM_IDS.offerSelect.encode(roundOf(context)), options: options.slice(-25), min_values: 1, max_values: 1 }],
        },
      ],
    });
  },
});

const offerSelect = onComponent(FORM_IDS.offerSelect, {
  access: 'member',
  async handle(context) {
    await mustAct(context, 'offer-help');
    const requestId = idPart.safeParse(context.interaction.isStringSelectMenu() ? context.interaction.values[0] : undefined);
    if (!requestId.success) throw new UserFacingError(problemText.help({ kind: 'unknown-request' }));
    return textModal(FORM_IDS.offerModal.encode({ ...roundOf(context), requestId: requestId.data }), text('offer.modal.title'), text('offer.modal.label'), {
      required: false,
      max: 1000,
      placeholder: text('offer.modal.placeholder'),
      long: true,
    });
  },
});

const offerModal = onComponent(FORM_IDS.offerModal, {
  access: 'member',
  async handle(context) {
    const message = modalField(context, 'text') || null;
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
    return textModal(FORM_IDS.commitTaskModal.encode(roundOf(context)), text('meeting.task.modalTitle'), text('meeting.task.label'), {
      required: true,
      max: TASK_TEXT_MAX_LENGTH,
      placeholder: text('meeting.task.placeholder'),
    });
  },
});

const commitTaskModal = onComponent(FORM_IDS.commitTaskModal, {
  access: 'member',
  async handle(context) {
    context.care.screen(modalField(context, 'text'), 'private');
    const committed = await context.services.actions.commitInRound(context.guildId, roundOf(context), context.userId, modalField(context, 'text'));
    if (!committed.ok) throw new UserFacingError(problemText.meetingTask(committed.error));
    return reply({ content: text('meeting.task.committed', { task: committed.value.task.text }) });
  },
});

const reportTask = onComponent(MEETING_IDS.reportTask, {
  access: 'member',
  async handle(context) {
    await mustAct(context, 'report-task');
    const task = await context.services.tasks.current(context.guildId, context.userId);
    if (!task) return reply({ content: text('meeting.report.noTask') });
    const outcomeButton = (label: string, outcome: TaskOutcome, style: ButtonStyle) => ({
      type: ComponentType.Button as const,
      style: style as ButtonStyle.Secondary,
      label,
      custom_id: FORM_IDS.reportOutcome.encode({ ...roundOf(context), outcome }),
    });
    return reply({
      content: text('meeting.report.question', { task: task.text }),
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            outcomeButton(text('meeting.report.done'), 'done', ButtonStyle.Success),
            outcomeButton(text('meeting.report.partly'), 'partly', ButtonStyle.Primary),
            outcomeButton(text('meeting.report.notDone'), 'not-done', ButtonStyle.Secondary),
          ],
        },
      ],
    });
  },
});

const reportOutcome = onComponent(FORM_IDS.reportOutcome, {
  access: 'member',
  async handle(context) {
    await mustAct(context, 'report-task');
    return textModal(FORM_IDS.reportModal.encode({ ...roundOf(context), outcome: context.args.outcome }), text('meeting.report.modalTitle'), text('meeting.report.label'), {
      required: false,
      max: TASK_NOTE_MAX_LENGTH,
      long: true,
    });
  },
});

const reportModal = onComponent(FORM_IDS.reportModal, {
  access: 'member',
  async handle(context) {
    context.care.screen(modalField(context, 'text'), 'private');
    const { outcome } = context.args;
    const reported = await context.services.actions.reportInRound(context.guildId, roundOf(context), context.userId, outcome, modalField(context, 'text') || null);
    if (!reported.ok) throw new UserFacingError(problemText.meetingTask(reported.error));
    return reply({ content: text(outcome === 'not-done' ? 'meeting.report.thanksNotDone' : 'meeting.report.thanks') });
  },
});

const rate = onComponent(MEETING_IDS.rate, {
  access: 'member',
  async handle(context) {
    await mustAct(context, 'rate-meeting');
    const { score } = context.args;
    // The form says truthfully where a comment goes: to the moderators without a name (3 ratings up), or nowhere.
    const reach = (await context.services.meetings.commentsReachModerators(context.guildId)) ? '' : 'NoModerators';
    return textModal(FORM_IDS.rateModal.encode({ ...roundOf(context), score }), text('meeting.rate.modalTitle', { score }), text(`meeting.rate.label${reach}`), {
      required: false,
      max: 500,
      long: true,
      placeholder: text(`meeting.rate.placeholder${reach}`),
    });
  },
});

const rateModal = onComponent(FORM_IDS.rateModal, {
  access: 'member',
  async handle(context) {
    const { meetingId, roundIndex, score } = context.args;
    const comment = modalField(context, 'text') || null;
    // A comment is private words: one that calls for crisis care never reaches the moderators' digest.
    const withheld = context.care.screen(comment, 'private');
    const rated = await context.services.meetings.rate(context.guildId, meetingId, roundIndex, { memberId: context.userId, score, comment, withheld });
    if (!rated.ok) throw new UserFacingError(problemText.meetingAction(rated.error));
    return reply({ content: text('meeting.rate.done') });
  },
});

const volunteer = onComponent(MEETING_IDS.volunteer, {
  access: 'member',
  async handle(context) {
    const { meetingId, roundIndex } = context.args;
    const changed = await context.services.meetings.volunteerToChair(context.guildId, meetingId, roundIndex, context.userId);
    if (!changed.ok) throw new UserFacingError(problemText.meetingAction(changed.error));
    return reply({ content: text(changed.value ? 'meeting.volunteer.on' : 'meeting.volunteer.off') });
  },
});

export const components = [
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
