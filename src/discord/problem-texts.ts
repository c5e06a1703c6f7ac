import type { CircleSettingsProblem } from '../domain/circle/circle-settings.ts';
import type { TakeProblem } from '../domain/safety/crisis-alert.ts';
import type { ScheduleProblem } from '../domain/schedules/schedule.ts';
import type { SkipDateProblem } from '../domain/schedules/skip-dates.ts';
import type { HelpProblem } from '../services/help-service.ts';
import type { MeetingServiceProblem } from '../services/meeting-service.ts';
import type { DeletionProblem } from '../services/privacy-service.ts';
import type { ReflectionService } from '../services/reflection-service.ts';
import type { ScheduleServiceProblem } from '../services/schedule-service.ts';
import type { TaskServiceProblem } from '../services/task-service.ts';
import type { TurnServiceProblem } from '../services/turn-service.ts';
import type { RoundProblem } from '../services/member-actions.ts';
import { text, type TextKey } from '../texts/texts.ts';
import type { CustomIdProblem } from './custom-id.ts';

/**
 * The one place where an expected problem becomes the words a member reads. Services and the domain
 * return problems as typed values (`{ kind, ...details }`); each kind of each union has its text here,
 * and a union that gains a kind without one no longer compiles. Handlers only choose which family a
 * problem belongs to: `throw new UserFacingError(problemText.meeting(started.error))`.
 */

type Problem = { readonly kind: string };

/** A text for every kind of `P`, given that problem (and, for some families, what the member typed). */
type TextsOf<P extends Problem, Context = void> = { readonly [K in P['kind']]: (problem: Extract<P, { readonly kind: K }>, context: Context) => string };

function family<P extends Problem, Context = void>(texts: TextsOf<P, Context>): (problem: P, context: Context) => string {
  return (problem, context) => (texts[problem.kind as P['kind']] as (problem: P, context: Context) => string)(problem, context);
}

/** `compose` refuses with a bare word; as a problem value it reads like the others. */
type ReflectionProblem = { readonly kind: Extract<Awaited<ReturnType<ReflectionService['compose']>>, { ok: false }>['error'] };

/** Seeking and giving help. Only the asker may confirm, close or add: the refusal says which. */
const helpTexts = (notTheAsker: TextKey): TextsOf<HelpProblem> => ({
  'not-set-up': () => text('help.notSetUp'),
  'topic-empty': () => text('help.topicEmpty'),
  'topic-too-long': ({ length, max }) => text('help.topicTooLong', { length, max }),
  'message-too-long': ({ length, max }) => text('help.messageTooLong', { length, max }),
  'own-request': () => text('help.ownRequest'),
  'request-closed': () => text('help.requestClosed'),
  'unknown-request': () => text('help.unknownRequest'),
  'not-the-asker': () => text(notTheAsker),
  'unknown-offer': () => text('help.unknownOffer'),
  'already-confirmed': () => text('help.alreadyConfirmed'),
});

const scheduleFieldTexts: TextsOf<ScheduleProblem> = {
  'name-length': ({ min, max }) => text('schedule.problem.name', { min, max }),
  'invalid-weekday': ({ input }) => text('schedule.problem.weekday', { input }),
  'invalid-time': ({ input }) => text('schedule.problem.time', { input }),
  'unknown-timezone': ({ input }) => text('schedule.problem.timezone', { input }),
  'out-of-range': ({ field, min, max, input }) =>
    text(field === 'durationMinutes' ? 'schedule.problem.duration' : 'schedule.problem.reminder', { min, max, input }),
  'invalid-format-name': ({ input }) => text('schedule.problem.format', { input }),
};
const scheduleField = family(scheduleFieldTexts);

/** Whatever the context of the family they are part of (`/schedule skip` adds what the member typed). */
const scheduleTexts = <Context>(): TextsOf<ScheduleServiceProblem, Context> => ({
  'not-set-up': () => text('schedule.notSetUp'),
  'unknown-format': ({ name, known }) => text('schedule.unknownFormat', { name, known: known.join(', ') }),
  'too-many': ({ max }) => text('schedule.tooMany', { max }),
  'unknown-schedule': () => text('schedule.unknown'),
  invalid: ({ problems }) => text('schedule.invalid', { problems: problems.map((problem) => scheduleField(problem)).join('\n') }),
});

const taskTexts: TextsOf<TaskServiceProblem> = {
  'not-set-up': () => text('task.notSetUp'),
  'text-empty': () => text('task.textEmpty'),
  'text-too-long': ({ length, max }) => text('task.textTooLong', { length, max }),
  'note-too-long': ({ length, max }) => text('task.noteTooLong', { length, max }),
  'no-task': () => text('task.noTask'),
};

const roundTexts: TextsOf<RoundProblem> = {
  'round-ended': () => text('meeting.stale.roundEnded'),
  'not-in-round': () => text('meeting.stale.notInRound'),
  'meeting-ended': () => text('meeting.stale.meetingEnded'),
  'no-meeting': () => text('meeting.stale.meetingEnded'),
};

type SkipContext = { readonly input: string };

export const problemText = {
  /** Asking, offering, `/stats` (and closing a request: "only the person who asked can close it"). */
  help: family(helpTexts('help.notTheAsker.close')),
  /** "This helped" on an offer. */
  helpConfirm: family(helpTexts('help.notTheAsker.confirm')),
  /** "Add to this request". */
  helpAdd: family(helpTexts('add.notTheAsker')),

  task: family<TaskServiceProblem>(taskTexts),

  /** Starting and steering a meeting. */
  meeting: family<MeetingServiceProblem>({
    'not-set-up': () => text('meeting.notSetUp'),
    'already-running': () => text('meeting.alreadyRunning'),
    'no-meeting': () => text('meeting.noMeeting'),
    'unknown-format': ({ name, known }) => text('meeting.unknownFormat', { name, known: known.join(', ') }),
    'already-ended': () => text('meeting.alreadyEnded'),
    'already-paused': () => text('meeting.alreadyPaused'),
    'not-paused': () => text('meeting.notPaused'),
    'extend-out-of-range': ({ min, max }) => text('meeting.extendRange', { min, max }),
  }),

  /** A member's action from a round's button: one from a round that is over changes nothing. */
  meetingAction: family<RoundProblem>(roundTexts),
  /** Done, Pass, Later, Add me and "invite the speaker" on a speaking-order message. */
  turn: family<TurnServiceProblem>({
    'not-your-turn': () => text('voice.problem.notYourTurn'),
    'no-one-speaking': () => text('voice.problem.noOneSpeaking'),
    'already-in-queue': () => text('voice.problem.alreadyInQueue'),
    'already-had-turn': () => text('voice.problem.alreadyHadTurn'),
    'not-in-queue': () => text('voice.problem.notInQueue'),
    'later-already-used': () => text('voice.problem.laterUsed'),
    'already-last': () => text('voice.problem.alreadyLast'),
    // A press on an order that is over gets the same answer as any stale round button.
    'no-turns': () => text('meeting.stale.roundEnded'),
    'no-meeting': () => text('meeting.stale.meetingEnded'),
    'not-stage': () => text('voice.problem.notStage'),
    'not-moderator': () => text('voice.problem.notModerator'),
  }),
  /** "I need help" or "I can help" in a round: the round's problems, then the help ones. */
  meetingHelp: family<RoundProblem | HelpProblem>({ ...helpTexts('help.notTheAsker.close'), ...roundTexts }),
  /** "Commit to a task" or "Report my task" in a round. */
  meetingTask: family<RoundProblem | TaskServiceProblem>({ ...taskTexts, ...roundTexts }),

  schedule: family<ScheduleServiceProblem>(scheduleTexts()),
  scheduleField,
  /** `/schedule skip`: the texts quote the date the member typed and name the schedule. */
  scheduleSkip: family<SkipDateProblem | ScheduleServiceProblem, SkipContext>({
    ...scheduleTexts<SkipContext>(),
    'invalid-date': (_, { input }) => text('schedule.skip.invalidDate', { input }),
    'in-the-past': (_, { input }) => text('schedule.skip.past', { input }),
    'not-an-occurrence': ({ nearest: [before, after], name }, { input }) => text('schedule.skip.notAnOccurrence', { name, input, before, after }),
  }),

  circle: family<CircleSettingsProblem>({
    'unknown-timezone': ({ input }) => text('circle.setup.unknownTimezone', { input }),
    'invalid-time': ({ input }) => text('circle.setup.invalidTime', { input }),
    'crisis-resources-too-long': ({ length, max }) => text('circle.setup.crisisTooLong', { length, max }),
    'crisis-resources-empty': () => text('circle.setup.crisisEmpty'),
  }),

  reflection: family<ReflectionProblem>({
    'not-set-up': () => text('reflection.notSetUp'),
  }),

  /** "Delete my data": only the member who asked, only while the confirmation is fresh. */
  deletion: family<DeletionProblem>({
    'not-yours': () => text('privacy.delete.notYours'),
    expired: () => text('privacy.delete.expired'),
  }),

  /** "I'm on it" on a crisis alert. */
  alertTake: family<TakeProblem>({
    'already-taken': ({ by }) => text('alert.take.already', { moderator: by }),
    'unknown-alert': () => text('alert.take.unknown'),
  }),

  /** A button, menu or form whose id no handler claims or does not decode: it has expired. */
  customId: family<CustomIdProblem>({
    'stale-custom-id': () => text('error.staleComponent'),
  }),
};
