import { REMOVED_MEMBER } from '../removed-member.ts';
import { err, ok, type Result } from '../result.ts';

/**
 * A note to the circle's moderators that a member may be in crisis, and who took care of it.
 *
 * Two ways one is raised (Samaritans' guidance for online communities: make sure a person responds,
 * and protect the member's privacy while doing so):
 * - `public-post`: a member's own words with crisis language were posted where others read them
 *   (a request, an offer, a shared check-in). The alert links to the post and names the words, which
 *   are public anyway; it names the member only if the post does (never for an anonymous request).
 * - `check-in-request`: the member pressed "Ask a moderator to check in with me" after writing
 *   something private, or from `/crisis`. The alert names the member and nothing they wrote.
 */
export interface CrisisAlert {
  readonly id: string;
  readonly source: 'public-post' | 'check-in-request';
  /** Who it is about. Kept to redact it on deletion; never shown when {@link anonymous}. */
  readonly memberId: string | null;
  readonly anonymous: boolean;
  /** What the member wrote, as a text key suffix: request, offer, check-in, update. */
  readonly what: string;
  /** The public post the alert points to (public posts only). */
  readonly link: string | null;
  /** The crisis terms found in public words; always empty for check-in requests. */
  readonly terms: readonly string[];
  readonly raisedAt: string;
  /** The alert's own post in the moderators' channel, once delivered. */
  readonly channelId: string | null;
  readonly messageId: string | null;
  readonly takenBy: string | null;
  readonly takenAt: string | null;
  /** none: not due or not needed; pending: decided, maybe posted before a crash; posted: done. */
  readonly followUp: 'none' | 'pending' | 'posted';
  readonly followUpMessageId: string | null;
  /** The member deleted their data: name, mention, words and link are gone; the alert stays as a record. */
  readonly redacted: boolean;
}

export type NewCrisisAlert = Pick<CrisisAlert, 'id' | 'source' | 'memberId' | 'anonymous' | 'what' | 'link' | 'terms'>;

export function newCrisisAlert(input: NewCrisisAlert, at: Date): CrisisAlert {
  return {
    ...input,
    terms: input.source === 'check-in-request' ? [] : [...input.terms],
    raisedAt: at.toISOString(),
    channelId: null,
    messageId: null,
    takenBy: null,
    takenAt: null,
    followUp: 'none',
    followUpMessageId: null,
    redacted: false,
  };
}

export type TakeProblem = { readonly kind: 'unknown-alert' } | { readonly kind: 'already-taken'; readonly by: string };

/** A moderator says "I'm on it". The first one keeps it, so two do not both pile in. */
export function takeAlert(alert: CrisisAlert | undefined, moderatorId: string, at: Date): Result<CrisisAlert, TakeProblem> {
  if (!alert) return err({ kind: 'unknown-alert' });
  if (alert.takenBy && alert.takenBy !== moderatorId) return err({ kind: 'already-taken', by: alert.takenBy });
  if (alert.takenBy === moderatorId) return ok(alert);
  return ok({ ...alert, takenBy: moderatorId, takenAt: at.toISOString() });
}

/**
 * Whether an alert should be posted once more now: delivered, nobody took it within `minutes`, not
 * followed up yet. A pending follow-up (decided before a crash) is still due, so it is finished.
 */
export function followUpDue(alert: CrisisAlert, now: Date, minutes: number): boolean {
  if (alert.followUp === 'posted' || alert.takenBy || alert.redacted || !alert.messageId) return false;
  if (alert.followUp === 'pending') return true;
  return now.getTime() - Date.parse(alert.raisedAt) >= minutes * 60_000;
}

/**
 * An open check-in request from the same member, raised within `withinMs`: pressing the button again
 * should not raise a second alert. Delivered or not: one not delivered yet (being delivered, or its
 * delivery failed) is delivered again rather than raised twice.
 */
export function openCheckInRequest(alerts: readonly CrisisAlert[], memberId: string, now: Date, withinMs: number): CrisisAlert | undefined {
  return alerts.find(
    (alert) => alert.source === 'check-in-request' && alert.memberId === memberId && !alert.takenBy && now.getTime() - Date.parse(alert.raisedAt) < withinMs,
  );
}

/**
 * After a member deleted their data: every alert about them keeps that it existed, when, and that it was
 * taken, and loses who it was about, the link and the words; an alert they took as a moderator keeps
 * that it was taken, not by whom.
 */
export function redactMember(
  alerts: readonly CrisisAlert[],
  memberId: string,
): { alerts: CrisisAlert[]; redacted: CrisisAlert[]; unnamedTaker: CrisisAlert[] } {
  const redacted: CrisisAlert[] = [];
  const unnamedTaker: CrisisAlert[] = [];
  const next = alerts.map((alert) => {
    let clean = alert;
    if (alert.memberId === memberId) clean = { ...clean, memberId: null, link: null, terms: [], redacted: true };
    // A moderator who deletes their data leaves that the alert was taken, not by whom.
    if (alert.takenBy === memberId) clean = { ...clean, takenBy: REMOVED_MEMBER };
    if (alert.memberId === memberId) redacted.push(clean);
    else if (clean !== alert) unnamedTaker.push(clean);
    return clean;
  });
  return { alerts: next, redacted, unnamedTaker };
}

/** Alerts raised before `cutoff` are forgotten by the retention purge. */
export function keepAlertsSince(alerts: readonly CrisisAlert[], cutoff: Date): CrisisAlert[] {
  return alerts.filter((alert) => Date.parse(alert.raisedAt) >= cutoff.getTime());
}

/** Pulls the web addresses out of a crisis-resources text, so they can be shown as link buttons. */
export function resourceLinks(resources: string, max = 5): Array<{ url: string; label: string }> {
  const links: Array<{ url: string; label: string }> = [];
  for (const match of resources.matchAll(/\bhttps?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/giu)) {
    const url = match[0];
    let label: string;
    try {
      label = new URL(url).hostname.replace(/^www\./, '');
    } catch {
      continue;
    }
    if (links.some((link) => link.url === url)) continue;
    links.push({ url, label: label.slice(0, 80) });
    if (links.length === max) break;
  }
  return links;
}
