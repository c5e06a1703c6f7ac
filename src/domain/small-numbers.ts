/**
 * Numbers that could point at one person are never shown (docs/research.md: no shaming, no leaderboards).
 * Pure rules shared by the meeting summary, the weekly reflection and its chart:
 *
 * - A **small group** is one with fewer members than the reflection threshold (`reflectionMinActive`
 *   in data/help-rules.json, at least 5): fewer than that active in a week, or taking part in a meeting.
 *   In a small group a count of 1 or 2 (people, or things people did) is shown as "a few", never exactly.
 * - An **average rating** needs at least {@link MIN_RATINGS_SHOWN} ratings; below that it is not shown,
 *   and the number of ratings reads "a few". Rating comments follow the same threshold.
 * - A **type count** (how many members mostly gave, mostly received, ...) below the reflection threshold
 *   reads "a few" (0 stays 0), and a week-on-week change smaller than the threshold is left out: a type is
 *   a label about people, so it is grouped more strongly than plain activity counts.
 */

/** A count as it may be shown: exact, or `'few'` (some, but too few to say how many without pointing at someone). */
export type ShownCount = number | 'few';

/** The largest count that reads "a few" in a small group. */
export const FEW_AT_MOST = 2;

/** The fewest ratings that show an average, and that let rating comments reach the moderators. */
export const MIN_RATINGS_SHOWN = 3;

/** The default reflection threshold, and the fewest members a group needs not to be small. */
export const DEFAULT_SMALL_GROUP_BELOW = 5;

/** 1 or 2 in a small group reads "a few"; anything else is shown exactly. */
export function shownCount(value: number, smallGroup: boolean): ShownCount {
  return smallGroup && value >= 1 && value <= FEW_AT_MOST ? 'few' : value;
}

/** A type count: any count from 1 up to below the threshold reads "a few". */
export function shownTypeCount(value: number, threshold: number): ShownCount {
  return value >= 1 && value < threshold ? 'few' : value;
}

/** A change since last week is shown only when at least the threshold in size; otherwise null (left out). */
export function shownChange(change: number, threshold: number): number | null {
  return Math.abs(change) >= Math.max(1, threshold) ? change : null;
}

/** The value a chart draws for a count: "a few" sits between 1 and 2, so no exact value can be read off. */
export function drawnValue(value: ShownCount): number {
  return value === 'few' ? 1.5 : value;
}
