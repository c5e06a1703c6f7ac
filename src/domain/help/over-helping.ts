import { err, ok, type Result } from '../result.ts';
import type { MemberTally } from './tally.ts';

/**
 * Post's guardrail: helping benefits the helper "so long as they are not overwhelmed" (docs/research.md).
 * A member who gives a lot and brings nothing over the window is gently invited to share a need or
 * take a break. The literature gives no number, so every threshold is configurable; these defaults
 * (six offers in the window, nothing received, nothing asked, at most one invitation a week) are a
 * starting point for moderators, not a finding.
 */
export interface OverHelpingRule {
  /** Offers given in the window at or above which a member may be over-helping. */
  minGiven: number;
  /** Help received in the window at or below which they are not being helped back. */
  maxReceived: number;
  /** Requests opened in the window at or below which they are not bringing their own needs. */
  maxRequests: number;
  /** Days after an invitation before another one may be sent. */
  cooldownDays: number;
}

export const DEFAULT_OVER_HELPING: OverHelpingRule = Object.freeze({ minGiven: 6, maxReceived: 0, maxRequests: 0, cooldownDays: 7 });

const MS_PER_DAY = 86_400_000;

/**
 * Whether to invite the member to rest now. `tally` is over the window the guild watches (the last
 * 28 days by default). The cooldown is measured in elapsed time from the last invitation; an
 * invitation dated in the future (a clock moved back) also counts as recent.
 */
export function shouldInviteToRest(tally: MemberTally, lastInvitedAt: Date | null, now: Date, rule: OverHelpingRule): boolean {
  // Someone who gave nothing cannot be over-helping, whatever a misconfigured minimum says.
  if (tally.given < Math.max(1, rule.minGiven)) return false;
  if (tally.received > rule.maxReceived || tally.requests > rule.maxRequests) return false;
  if (lastInvitedAt === null) return true;
  return now.getTime() - lastInvitedAt.getTime() >= rule.cooldownDays * MS_PER_DAY;
}

export type OverHelpingRuleProblem = { kind: 'invalid-over-helping-threshold'; field: keyof OverHelpingRule; value: number; min: number };

/** Checks a configured rule: whole numbers, at least one offer to count as over-helping. */
export function checkOverHelpingRule(rule: OverHelpingRule): Result<OverHelpingRule, OverHelpingRuleProblem> {
  const minimums: Record<keyof OverHelpingRule, number> = { minGiven: 1, maxReceived: 0, maxRequests: 0, cooldownDays: 0 };
  for (const field of Object.keys(minimums) as Array<keyof OverHelpingRule>) {
    const value = rule[field];
    if (!Number.isInteger(value) || value < minimums[field]) {
      return err({ kind: 'invalid-over-helping-threshold', field, value, min: minimums[field] });
    }
  }
  return ok(rule);
}
