import { err, ok, type Result } from '../result.ts';

/**
 * A meeting format: the ordered, time-boxed rounds of a GROW-style meeting, shipped as data in
 * `data/formats/<name>.json` so a circle can change the order and timings without touching code
 * (docs/research.md: exact official timings are not known; the order is a sensible default).
 *
 * The shape is checked by zod in `src/config/meeting-formats.ts`; the rules that are about meaning
 * (unique round ids, limits that fit Discord, known actions, needs before helping) live here in
 * `checkFormat`, so a format built in code (tests, the demo) is held to the same rules as a file.
 */

/** What members can do in a round; each becomes a button (or menu) while the round runs. */
export const MEETING_ACTIONS = ['check-in', 'report-task', 'need-help', 'offer-help', 'commit-task', 'rate-meeting'] as const;
export type MeetingAction = (typeof MEETING_ACTIONS)[number];

/** Placeholders a prompt may contain, filled in by whoever posts it (`{chair}`: the chair's name). */
export const PROMPT_PLACEHOLDERS = ['chair'] as const;

export const FORMAT_LIMITS = {
  /** Names and round ids end up in slash-command choices and component custom ids. */
  slugMaxLength: 32,
  /** Discord: choice names, embed titles and button labels stay well inside 100-256 characters. */
  titleMaxLength: 100,
  promptMaxLength: 1000,
  descriptionMaxLength: 1000,
  /** Discord messages are at most 2000 characters. */
  closingNoteMaxLength: 2000,
  minRounds: 1,
  maxRounds: 20,
  minMinutes: 1,
  maxMinutes: 120,
} as const;

/**
 * How long one share in a sharing round (`turns: true`) may last, in whole minutes: the round's minutes
 * divided among its speakers, never less than `min` nor more than `max`. A round may set its own bounds.
 */
export interface ShareMinutes {
  readonly min: number;
  readonly max: number;
}

export const DEFAULT_SHARE_MINUTES: ShareMinutes = { min: 1, max: 5 };

export interface MeetingRound {
  readonly id: string;
  readonly title: string;
  /** Member-facing, warm and brief; may contain `{chair}`. */
  readonly prompt: string;
  /** Whole minutes. */
  readonly minutes: number;
  /** Empty for rounds where members only listen or reflect (opening, reading). */
  readonly actions: readonly MeetingAction[];
  /**
   * A sharing round, where members in the meeting's voice channel take turns (the order's rules:
   * src/domain/meetings/turns.ts). In a meeting without a voice channel it changes nothing.
   */
  readonly turns?: boolean;
  /** Bounds of one share's time box in a sharing round; `DEFAULT_SHARE_MINUTES` when absent. */
  readonly shareMinutes?: ShareMinutes;
}

export interface MeetingFormat {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly rounds: readonly MeetingRound[];
  /** Posted after the last round: the informal "mateship" note. */
  readonly closingNote: string;
}

/** A format as read from a file or written in code, before its actions are known to be valid. */
export type FormatInput = Omit<MeetingFormat, 'rounds'> & {
  readonly rounds: ReadonlyArray<Omit<MeetingRound, 'actions'> & { readonly actions: readonly string[] }>;
};

type TextField = 'name' | 'title' | 'description' | 'closingNote' | 'round id' | 'round title' | 'round prompt';

export type FormatProblem =
  | { readonly kind: 'bad-slug'; readonly field: 'name' | 'round id'; readonly value: string; readonly roundIndex?: number }
  | { readonly kind: 'blank-text'; readonly field: TextField; readonly roundIndex?: number }
  | { readonly kind: 'text-too-long'; readonly field: TextField; readonly length: number; readonly max: number; readonly roundIndex?: number }
  | { readonly kind: 'round-count'; readonly count: number; readonly min: number; readonly max: number }
  | { readonly kind: 'duplicate-round-id'; readonly roundId: string }
  | { readonly kind: 'minutes-out-of-range'; readonly roundId: string; readonly minutes: number; readonly min: number; readonly max: number }
  | { readonly kind: 'unknown-action'; readonly roundId: string; readonly action: string }
  | { readonly kind: 'duplicate-action'; readonly roundId: string; readonly action: string }
  | { readonly kind: 'unknown-placeholder'; readonly roundId: string; readonly placeholder: string }
  /** `shareMinutes` must be whole minutes with 1 <= min <= max <= the round's minutes. */
  | { readonly kind: 'share-minutes-out-of-range'; readonly roundId: string; readonly min: number; readonly max: number; readonly roundMinutes: number }
  /** `shareMinutes` only means something in a sharing round. */
  | { readonly kind: 'share-minutes-without-turns'; readonly roundId: string }
  /** docs/research.md "Needs before helping": offering help is only possible after a round for bringing needs. */
  | { readonly kind: 'help-before-needs'; readonly roundId: string };

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const PLACEHOLDER = /\{(\w+)\}/g;
const isAction = (value: string): value is MeetingAction => (MEETING_ACTIONS as readonly string[]).includes(value);

/** Checks the rules about meaning; every problem is reported, not just the first. */
export function checkFormat(format: FormatInput): Result<MeetingFormat, FormatProblem[]> {
  const problems: FormatProblem[] = [];
  const L = FORMAT_LIMITS;

  const slug = (field: 'name' | 'round id', value: string, roundIndex?: number) => {
    if (!SLUG.test(value) || value.length > L.slugMaxLength)
      problems.push({ kind: 'bad-slug', field, value, ...(roundIndex === undefined ? {} : { roundIndex }) });
  };
  const textOf = (field: TextField, value: string, max: number, roundIndex?: number) => {
    const where = roundIndex === undefined ? {} : { roundIndex };
    if (value.trim() === '') problems.push({ kind: 'blank-text', field, ...where });
    else if (value.length > max) problems.push({ kind: 'text-too-long', field, length: value.length, max, ...where });
  };

  slug('name', format.name);
  textOf('title', format.title, L.titleMaxLength);
  textOf('description', format.description, L.descriptionMaxLength);
  textOf('closingNote', format.closingNote, L.closingNoteMaxLength);

  const count = format.rounds.length;
  if (count < L.minRounds || count > L.maxRounds) problems.push({ kind: 'round-count', count, min: L.minRounds, max: L.maxRounds });

  const seenIds = new Set<string>();
  let needsSeen = false;
  format.rounds.forEach((round, index) => {
    slug('round id', round.id, index);
    if (seenIds.has(round.id)) problems.push({ kind: 'duplicate-round-id', roundId: round.id });
    seenIds.add(round.id);
    textOf('round title', round.title, L.titleMaxLength, index);
    textOf('round prompt', round.prompt, L.promptMaxLength, index);
    for (const [, name] of round.prompt.matchAll(PLACEHOLDER)) {
      if (!(PROMPT_PLACEHOLDERS as readonly string[]).includes(name!)) problems.push({ kind: 'unknown-placeholder', roundId: round.id, placeholder: name! });
    }
    if (!Number.isInteger(round.minutes) || round.minutes < L.minMinutes || round.minutes > L.maxMinutes) {
      problems.push({ kind: 'minutes-out-of-range', roundId: round.id, minutes: round.minutes, min: L.minMinutes, max: L.maxMinutes });
    }
    if (round.shareMinutes !== undefined) {
      const { min, max } = round.shareMinutes;
      if (round.turns !== true) problems.push({ kind: 'share-minutes-without-turns', roundId: round.id });
      else if (!Number.isInteger(min) || !Number.isInteger(max) || min < L.minMinutes || min > max || max > round.minutes) {
        problems.push({ kind: 'share-minutes-out-of-range', roundId: round.id, min, max, roundMinutes: round.minutes });
      }
    }
    const seenActions = new Set<string>();
    for (const action of round.actions) {
      if (!isAction(action)) problems.push({ kind: 'unknown-action', roundId: round.id, action });
      else if (seenActions.has(action)) problems.push({ kind: 'duplicate-action', roundId: round.id, action });
      seenActions.add(action);
    }
    // Needs must come in an earlier round: the same round does not count, or helping would crowd needs out.
    if (round.actions.includes('offer-help') && !needsSeen) problems.push({ kind: 'help-before-needs', roundId: round.id });
    if (round.actions.includes('need-help')) needsSeen = true;
  });

  if (problems.length > 0) return err(problems);
  return ok(format as MeetingFormat);
}

/** One line per problem, for the operator reading a start-up error. */
export function describeFormatProblem(problem: FormatProblem): string {
  const inRound = (index?: number) => (index === undefined ? '' : ` in round ${index + 1}`);
  switch (problem.kind) {
    case 'bad-slug':
      return `${problem.field} "${problem.value}"${inRound(problem.roundIndex)} must be lower-case letters, digits and single hyphens, at most ${FORMAT_LIMITS.slugMaxLength} characters`;
    case 'blank-text':
      return `${problem.field}${inRound(problem.roundIndex)} must not be empty`;
    case 'text-too-long':
      return `${problem.field}${inRound(problem.roundIndex)} is ${problem.length} characters; Discord allows at most ${problem.max} here`;
    case 'round-count':
      return `a format needs ${problem.min} to ${problem.max} rounds, this one has ${problem.count}`;
    case 'duplicate-round-id':
      return `round id "${problem.roundId}" is used more than once`;
    case 'minutes-out-of-range':
      return `round "${problem.roundId}" lasts ${problem.minutes} minutes; it must be a whole number from ${problem.min} to ${problem.max}`;
    case 'unknown-action':
      return `round "${problem.roundId}" has unknown action "${problem.action}" (known: ${MEETING_ACTIONS.join(', ')})`;
    case 'duplicate-action':
      return `round "${problem.roundId}" lists action "${problem.action}" twice`;
    case 'unknown-placeholder':
      return `round "${problem.roundId}" prompt has unknown placeholder {${problem.placeholder}} (known: ${PROMPT_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`;
    case 'share-minutes-out-of-range':
      return `round "${problem.roundId}" has shareMinutes ${problem.min} to ${problem.max}; they must be whole minutes with 1 <= min <= max <= the round's ${problem.roundMinutes} minutes`;
    case 'share-minutes-without-turns':
      return `round "${problem.roundId}" sets shareMinutes but is not a sharing round (add "turns": true or remove shareMinutes)`;
    case 'help-before-needs':
      return `round "${problem.roundId}" offers help before any round where members bring their needs (needs before helping: put a round with "need-help" earlier)`;
  }
}

export const totalMinutes = (format: Pick<MeetingFormat, 'rounds'>): number => format.rounds.reduce((sum, round) => sum + round.minutes, 0);

export type ScaleProblem = { readonly kind: 'total-out-of-range'; readonly min: number; readonly max: number };

/** The longest schedule a format is scaled to (a day); anything longer is a typo. */
export const MAX_SCALED_TOTAL_MINUTES = 24 * 60;

/**
 * The same format with round durations scaled to fill `total` minutes exactly: proportional to the
 * format's durations, every round at least one minute, whole minutes. Rounds whose share would be under
 * a minute get one minute and the rest is shared among the others; whole minutes left over by rounding
 * down go to the largest remainders, earlier rounds first on a tie. Integer arithmetic only, so the
 * result is the same on every machine.
 */
export function scaleFormat(format: MeetingFormat, total: number): Result<MeetingFormat, ScaleProblem> {
  const count = format.rounds.length;
  if (!Number.isInteger(total) || total < count || total > MAX_SCALED_TOTAL_MINUTES) {
    return err({ kind: 'total-out-of-range', min: count, max: MAX_SCALED_TOTAL_MINUTES });
  }
  const weights = format.rounds.map((round) => round.minutes);
  const atMinimum = new Set<number>();
  let budget = total;
  let free: number[] = [];
  let weightOfFree = 0;
  for (;;) {
    free = weights.map((_, index) => index).filter((index) => !atMinimum.has(index));
    budget = total - atMinimum.size;
    weightOfFree = free.reduce((sum, index) => sum + weights[index]!, 0);
    const tooSmall = free.filter((index) => budget * weights[index]! < weightOfFree);
    if (tooSmall.length === 0) break;
    for (const index of tooSmall) atMinimum.add(index);
  }
  const minutes = weights.map(() => 1);
  const remainders: Array<{ index: number; remainder: number }> = [];
  let given = 0;
  for (const index of free) {
    const share = budget * weights[index]!;
    const whole = Math.floor(share / weightOfFree);
    minutes[index] = whole;
    given += whole;
    remainders.push({ index, remainder: share - whole * weightOfFree });
  }
  remainders.sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (let extra = 0; extra < budget - given; extra++) minutes[remainders[extra]!.index]! += 1;
  return ok({ ...format, rounds: format.rounds.map((round, index) => ({ ...round, minutes: minutes[index]! })) });
}
