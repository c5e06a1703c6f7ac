import { addEvent, type MemberTally } from '../help/tally.ts';
import { membersOf, type LedgerEvent } from '../help/ledger-events.ts';
import { MATON_TYPES, typeDistribution, typeGroup, type MatonType, type TypingRule } from '../help/maton.ts';
import { localDay, rollingWindow, weekStart, weekWindow } from '../help/week.ts';
import { shownChange, shownCount, shownTypeCount, type ShownCount } from '../small-numbers.ts';

/**
 * The group's week in numbers: what the weekly reflection says and draws (issue 6). Pure: the caller
 * reads the ledger and the open requests, this folds them into counts. Only counts leave this module,
 * never a member id, and only counts that cannot point at one person (src/domain/small-numbers.ts): in
 * a week with fewer active members than the threshold, a count of 1 or 2 is "a few"; type counts below
 * the threshold are "a few" and smaller changes are left out; the Maton breakdown is shown only when
 * enough members were active that week (docs/research.md, "No shaming, no leaderboards"). So the message and
 * the chart, which show what this gives them, cannot single anyone out.
 *
 * Help acts count only between two members, as in the tallies (Maton; Roberts): an offer on one's own
 * request is neither an offer made, a confirmation, an answer, nor help given or received here.
 */

/** Weeks drawn in the chart: the week reflected on and the seven before it. */
export const CHART_WEEKS = 8;

export interface ReflectionInput {
  /** Any instant in the week being reflected on. */
  readonly weekOf: Date;
  /** The group's IANA zone: weeks run Monday 00:00 to Monday 00:00 there. */
  readonly timezone: string;
  /**
   * At least the 8 weeks ending with that week, and the `windowDays` days before the end of the
   * previous week (for last week's typing, when `windowDays` > 49). Events outside are ignored.
   */
  readonly events: readonly LedgerEvent[];
  /** Open requests at the time of the reflection (from storage). */
  readonly openRequestsNow: number;
  readonly typing: TypingRule;
  /** The typing window in local days, ending at the end of the week (28 in data/help-rules.json). */
  readonly windowDays: number;
  /**
   * The reflection threshold (default 5): below this many members active THIS week, no type breakdown,
   * and in any week with fewer active members, counts of 1 or 2 read "a few".
   */
  readonly minActiveForBreakdown: number;
}

export interface ReflectionPrompts {
  readonly helping: readonly string[];
  readonly needs: readonly string[];
}

export type ReflectionBalance =
  | {
      readonly shown: true;
      /** Maton types of the members active in the typing window ending at the week's end; below the threshold, "a few". */
      readonly counts: Record<MatonType, ShownCount>;
      /**
       * This week's counts minus last week's, only for types whose change is at least the threshold in
       * size (smaller ones could point at someone and are left out); null when last week had too few
       * active members to show.
       */
      readonly change: Partial<Record<MatonType, number>> | null;
    }
  | { readonly shown: false };

export interface ReflectionChartWeek {
  /** Local date of the week's Monday. */
  readonly weekKey: string;
  readonly from: Date;
  /** Distinct members who offered help to another member that week ("a few" for 1 or 2 in a small week). */
  readonly givers: ShownCount;
  /** Distinct members another member offered help to that week (likewise). */
  readonly receivers: ShownCount;
  /** Offers made (between two members) that week (likewise). */
  readonly offers: ShownCount;
}

export interface WeeklyReflection {
  readonly week: { readonly from: Date; readonly to: Date; readonly key: string };
  /**
   * held: distinct meetings; attendances: distinct (meeting, member) pairs; attendees: distinct members.
   * Every count about people or what they did is "a few" for 1 or 2 when the week is small.
   */
  readonly meetings: { readonly held: number; readonly attendances: ShownCount; readonly attendees: ShownCount };
  /** raised: opened in the week; answered: of those, offered help by another member by the week's end; stillOpen: open now. */
  readonly requests: { readonly raised: ShownCount; readonly answered: ShownCount; readonly stillOpen: ShownCount };
  /** Distinct offers made and confirmed in the week. */
  readonly offers: { readonly made: ShownCount; readonly confirmed: ShownCount };
  /** Distinct tasks committed to and reported on in the week (a task reported twice counts once). */
  readonly tasks: { readonly committed: ShownCount; readonly reported: ShownCount };
  /** Members with any event in the week. Decides what may be shown; never shown itself. */
  readonly activeMembers: number;
  /** Fewer members were active this week than the threshold: counts of 1 or 2 read "a few". */
  readonly smallWeek: boolean;
  readonly balance: ReflectionBalance;
  /** The last 8 weeks ending with this one, oldest first. */
  readonly chart: ReadonlyArray<ReflectionChartWeek>;
  readonly prompts: { readonly helping: string; readonly needs: string };
}

/** The key of the week containing `at`: the local date ('YYYY-MM-DD') of its Monday in `timezone`. */
export function reflectionWeekKey(at: Date, timezone: string): string {
  return localDay(weekStart(at, timezone), timezone);
}

/**
 * A number that grows by one each week, from the week key's Monday: the same for every group whose
 * week has that key, so prompts rotate deterministically whatever the time zone.
 */
export function weekNumber(weekKey: string): number {
  const days = Math.round(Date.parse(`${weekKey}T00:00:00Z`) / 86_400_000);
  // 1970-01-05 was a Monday (day 4 since the epoch).
  return Math.floor((days - 4) / 7);
}

/** The prompt for a week: the lists rotate one step a week. An empty list is a programming error (the loader refuses one). */
export function promptForWeek(prompts: readonly string[], weekKey: string): string {
  if (prompts.length === 0) throw new RangeError('A reflection needs at least one prompt of each kind');
  const index = ((weekNumber(weekKey) % prompts.length) + prompts.length) % prompts.length;
  return prompts[index]!;
}

/** Counts kept for one week of the chart while the events are folded. */
interface ChartAccumulator {
  readonly givers: Set<string>;
  readonly receivers: Set<string>;
  offers: number;
  /** Members with any event that week. */
  readonly active: Set<string>;
}

export function composeReflection(input: ReflectionInput & { readonly prompts: ReflectionPrompts }): WeeklyReflection {
  const { timezone } = input;
  const week = weekWindow(input.weekOf, timezone);
  const weekFrom = week.from.getTime();
  const weekTo = week.to.getTime();
  const key = localDay(week.from, timezone);

  // The chart's week starts, oldest first; a handful of luxon calls, none per event.
  const starts: Date[] = [week.from];
  for (let i = 1; i < CHART_WEEKS; i += 1) starts.unshift(weekStart(new Date(starts[0]!.getTime() - 1), timezone));
  const bounds = [...starts.map((start) => start.getTime()), weekTo];
  const chartFrom = bounds[0]!;
  const chart: ChartAccumulator[] = starts.map(() => ({ givers: new Set(), receivers: new Set(), offers: 0, active: new Set() }));

  // Typing windows: windowDays local days ending at this week's end, and at last week's end.
  const typingFrom = typingWindowStart(week.to, input.windowDays, timezone);
  const previousTypingFrom = typingWindowStart(week.from, input.windowDays, timezone);

  const typingTallies = new Map<string, MemberTally>();
  const previousTypingTallies = new Map<string, MemberTally>();
  // Members active in this week and last week: the last two charted weeks.
  const active = chart[CHART_WEEKS - 1]!.active;
  const previousActive = chart[CHART_WEEKS - 2]!.active;
  const meetingsHeld = new Set<string>();
  const attendances = new Set<string>();
  const attendees = new Set<string>();
  /** Requests opened this week -> who asked. */
  const raised = new Map<string, string>();
  /** Requests offered help up to the week's end -> the one member who offered, or `true` for several. */
  const offeredBy = new Map<string, string | true>();
  const offersMade = new Set<string>();
  const offersConfirmed = new Set<string>();
  const tasksCommitted = new Set<string>();
  const tasksReported = new Set<string>();

  for (const event of input.events) {
    const at = Date.parse(event.at);
    if (Number.isNaN(at) || at >= weekTo) continue;

    if (at >= typingFrom) addEvent(typingTallies, event);
    if (at >= previousTypingFrom && at < weekFrom) addEvent(previousTypingTallies, event);
    if (event.kind === 'offer-made') {
      const seen = offeredBy.get(event.requestId);
      if (seen === undefined) offeredBy.set(event.requestId, event.giverId);
      else if (seen !== true && seen !== event.giverId) offeredBy.set(event.requestId, true);
    }

    if (at >= chartFrom) {
      const slot = chart[weekIndex(bounds, at)]!;
      for (const memberId of membersOf(event)) slot.active.add(memberId);
      if (event.kind === 'offer-made' && event.giverId !== event.receiverId) {
        slot.givers.add(event.giverId);
        slot.receivers.add(event.receiverId);
        slot.offers += 1;
      }
    }

    if (at < weekFrom) continue;
    // This week.
    switch (event.kind) {
      case 'meeting-action':
        meetingsHeld.add(event.meetingId);
        attendances.add(`${event.meetingId}\u0000${event.memberId}`);
        attendees.add(event.memberId);
        break;
      case 'request-opened':
        raised.set(event.requestId, event.memberId);
        break;
      case 'offer-made':
        if (event.giverId !== event.receiverId) offersMade.add(event.offerId);
        break;
      case 'offer-confirmed':
        if (event.giverId !== event.receiverId) offersConfirmed.add(event.offerId);
        break;
      case 'task-committed':
        tasksCommitted.add(event.taskId);
        break;
      case 'task-reported':
        tasksReported.add(event.taskId);
        break;
      default:
        break;
    }
  }

  // Answered: someone other than the asker offered (two different givers cannot both be the asker).
  let answered = 0;
  for (const [requestId, askerId] of raised) {
    const givers = offeredBy.get(requestId);
    if (givers === true || (givers !== undefined && givers !== askerId)) answered += 1;
  }

  const small = active.size < input.minActiveForBreakdown;
  const shown = (value: number) => shownCount(value, small);
  return {
    week: { from: week.from, to: week.to, key },
    meetings: { held: meetingsHeld.size, attendances: shown(attendances.size), attendees: shown(attendees.size) },
    requests: { raised: shown(raised.size), answered: shown(answered), stillOpen: shown(input.openRequestsNow) },
    offers: { made: shown(offersMade.size), confirmed: shown(offersConfirmed.size) },
    tasks: { committed: shown(tasksCommitted.size), reported: shown(tasksReported.size) },
    activeMembers: active.size,
    smallWeek: small,
    balance: balanceOf(input, active.size, previousActive.size, typingTallies, previousTypingTallies),
    chart: chart.map((slot, index) => {
      const smallThen = slot.active.size < input.minActiveForBreakdown;
      return {
        weekKey: localDay(starts[index]!, timezone),
        from: starts[index]!,
        givers: shownCount(slot.givers.size, smallThen),
        receivers: shownCount(slot.receivers.size, smallThen),
        offers: shownCount(slot.offers, smallThen),
      };
    }),
    prompts: { helping: promptForWeek(input.prompts.helping, key), needs: promptForWeek(input.prompts.needs, key) },
  };
}

/** The start of the `days` local days ending at `end` (a week boundary, so a local midnight). */
function typingWindowStart(end: Date, days: number, timezone: string): number {
  return rollingWindow(new Date(end.getTime() - 1), days, timezone).from.getTime();
}

/** Which chart week an instant in [bounds[0], bounds[last]) falls in: eight comparisons at most. */
function weekIndex(bounds: readonly number[], at: number): number {
  let index = bounds.length - 2;
  while (index > 0 && at < bounds[index]!) index -= 1;
  return index;
}

function balanceOf(
  input: ReflectionInput,
  activeThisWeek: number,
  activeLastWeek: number,
  tallies: Map<string, MemberTally>,
  previousTallies: Map<string, MemberTally>,
): ReflectionBalance {
  const threshold = input.minActiveForBreakdown;
  if (activeThisWeek < threshold) return { shown: false };
  const exact = typeDistribution(typeGroup(tallies, input.typing).values());
  const counts = { bidirectional: 0, provider: 0, receiver: 0, low: 0 } as Record<MatonType, ShownCount>;
  for (const type of MATON_TYPES) counts[type] = shownTypeCount(exact[type], threshold);
  if (activeLastWeek < threshold) return { shown: true, counts, change: null };
  const previous = typeDistribution(typeGroup(previousTallies, input.typing).values());
  const change: Partial<Record<MatonType, number>> = {};
  for (const type of MATON_TYPES) {
    const shownDifference = shownChange(exact[type] - previous[type], threshold);
    if (shownDifference !== null) change[type] = shownDifference;
  }
  return { shown: true, counts, change };
}
