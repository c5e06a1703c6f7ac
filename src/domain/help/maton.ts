import { err, ok, type Result } from '../result.ts';
import type { MemberTally } from './tally.ts';

/**
 * Maton's (1988) dual-role typology: support provided x support received, each split high/low
 * relative to the member's own group. Bidirectional supporters fared best; receiving alone was not
 * related to well-being. The paper's cut-offs are not public, so the usual within-group median split
 * is used, with an absolute mode for groups too small for a median to mean much.
 */
export type MatonType = 'bidirectional' | 'provider' | 'receiver' | 'low';

export const MATON_TYPES: readonly MatonType[] = ['bidirectional', 'provider', 'receiver', 'low'];

export type TypingRule = { mode: 'median' } | { mode: 'absolute'; minGiven: number; minReceived: number };

export const DEFAULT_TYPING_RULE: TypingRule = { mode: 'median' };

/** The medians of the group's active members (every member with any event in the window, zeros included). */
export interface GroupMedians {
  given: number;
  received: number;
  activeMembers: number;
}

export type TypingRuleProblem = { kind: 'threshold-below-one'; field: 'minGiven' | 'minReceived'; value: number };

/** Checks a configured rule: an absolute threshold below 1 would call someone who did nothing "high". */
export function checkTypingRule(rule: TypingRule): Result<TypingRule, TypingRuleProblem> {
  if (rule.mode === 'median') return ok(rule);
  for (const field of ['minGiven', 'minReceived'] as const) {
    const value = rule[field];
    if (!Number.isFinite(value) || value < 1) return err({ kind: 'threshold-below-one', field, value });
  }
  return ok(rule);
}

/** Median of a sorted array; of an even count, the mean of the two middle values. Empty: 0. */
function medianOfSorted(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const middle = n >> 1;
  return n % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** O(n log n): one numeric sort per axis (typed arrays sort numbers, not strings). */
export function groupMedians(tallies: Iterable<MemberTally>): GroupMedians {
  const list = Array.isArray(tallies) ? (tallies as MemberTally[]) : [...tallies];
  const given = new Float64Array(list.length);
  const received = new Float64Array(list.length);
  list.forEach((tally, index) => {
    given[index] = tally.given;
    received[index] = tally.received;
  });
  given.sort();
  received.sort();
  return { given: medianOfSorted(given), received: medianOfSorted(received), activeMembers: list.length };
}

/**
 * The member's type. Median mode: high on an axis when the count is at least 1 (so an all-zero axis
 * has nobody high) and at least the group's median. Without group figures (`null`) the member is
 * treated as a group of one, where only the ">= 1" condition remains. Absolute mode: high when the
 * count reaches the threshold, never below 1.
 */
export function matonType(tally: MemberTally, group: GroupMedians | null, rule: TypingRule): MatonType {
  let highGiven: boolean;
  let highReceived: boolean;
  if (rule.mode === 'absolute') {
    highGiven = tally.given >= Math.max(1, rule.minGiven);
    highReceived = tally.received >= Math.max(1, rule.minReceived);
  } else {
    highGiven = tally.given >= 1 && tally.given >= (group?.given ?? 0);
    highReceived = tally.received >= 1 && tally.received >= (group?.received ?? 0);
  }
  if (highGiven) return highReceived ? 'bidirectional' : 'provider';
  return highReceived ? 'receiver' : 'low';
}

/** Types every active member against their own group's medians, computed once. */
export function typeGroup(tallies: Map<string, MemberTally>, rule: TypingRule): Map<string, MatonType> {
  const group = rule.mode === 'median' ? groupMedians(tallies.values()) : null;
  const types = new Map<string, MatonType>();
  for (const [memberId, tally] of tallies) types.set(memberId, matonType(tally, group, rule));
  return types;
}

export function typeDistribution(types: Iterable<MatonType>): Record<MatonType, number> {
  const distribution: Record<MatonType, number> = { bidirectional: 0, provider: 0, receiver: 0, low: 0 };
  for (const type of types) distribution[type] += 1;
  return distribution;
}

/** Group figures are shown only above a minimum group size so no one can be singled out (docs/research.md). */
export const MIN_GROUP_SIZE_FOR_FIGURES = 5;

/** The distribution, or null when fewer than `minGroupSize` members would be counted. */
export function shareableDistribution(types: Iterable<MatonType>, minGroupSize = MIN_GROUP_SIZE_FOR_FIGURES): Record<MatonType, number> | null {
  const distribution = typeDistribution(types);
  const total = distribution.bidirectional + distribution.provider + distribution.receiver + distribution.low;
  return total >= minGroupSize ? distribution : null;
}
