import type { HelpRules } from '../config/help-rules.ts';
import type { CircleSettings } from '../domain/circle/circle-settings.ts';
import type { LedgerEvent } from '../domain/help/ledger-events.ts';
import { groupMedians, matonType, type MatonType } from '../domain/help/maton.ts';
import { shouldInviteToRest } from '../domain/help/over-helping.ts';
import { askingOf, suggestionFor, type Asking, type SuggestionKey } from '../domain/help/suggestion.ts';
import { emptyTally, type MemberTally } from '../domain/help/tally.ts';
import { daysBetween, rollingWindow, weekWindow } from '../domain/help/week.ts';
import {
  addOffer,
  addToRequest,
  closeRequest,
  confirmOffer,
  openRequest,
  type HelpRequest,
  type Offer,
  type RequestAddition,
  type RequestProblem,
} from '../domain/requests/help-request.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { GuildWrite, GuildWriteQueue } from '../store/guild-write-queue.ts';
import type { HelpRequestStore, OpenRequestEntry } from '../store/help-request-store.ts';
import type { LedgerStore } from '../store/ledger-store.ts';
import type { MemberPrefsStore } from '../store/member-prefs-store.ts';
import type { CircleService } from './circle-service.ts';
import { recordEvents, removeEvents } from './ledger-recording.ts';
import { newRecordId } from './record-ids.ts';

export type HelpProblem = RequestProblem | { readonly kind: 'not-set-up' } | { readonly kind: 'unknown-request' };

export interface AskOutcome {
  readonly request: HelpRequest;
  readonly settings: CircleSettings;
  /** Up to a few open requests from others, offered as an invitation to help (never a condition). */
  readonly invitations: readonly OpenRequestEntry[];
}

export interface OfferOutcome {
  readonly request: HelpRequest;
  readonly offer: Offer;
  /** The over-helping guard: invite this giver to share a need or take a break (at most weekly). */
  readonly inviteToRest: boolean;
}

export interface MemberStats {
  readonly week: MemberTally;
  readonly window: MemberTally;
  readonly windowDays: number;
  readonly type: MatonType;
  readonly suggestion: SuggestionKey;
  /** Whether a request of the member's is still open, or they asked in the window: /stats never calls them quiet then. */
  readonly asking: Asking;
  readonly recordingPaused: boolean;
}

export interface HelpServiceDeps {
  readonly circle: CircleService;
  readonly requests: HelpRequestStore;
  readonly ledger: LedgerStore;
  readonly prefs: MemberPrefsStore;
  readonly queue: GuildWriteQueue;
  readonly rules: HelpRules;
  readonly now?: () => Date;
}

/**
 * Seeking and giving help: requests, offers, confirmations and closing, each stored (request and
 * ledger together, in the guild's write queue) before the member is answered; and each member's own
 * picture of giving and receiving, typed after Maton.
 */
export class HelpService {
  private readonly now: () => Date;

  constructor(private readonly deps: HelpServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Opens a request, posted in the circle channel, or in `channelId` (a running meeting's thread). */
  async ask(
    guildId: string,
    askerId: string,
    topic: string,
    anonymous: boolean,
    channelId?: string,
    /** The run this is a step of (a member action composing it), if any. */
    within?: GuildWrite,
  ): Promise<Result<AskOutcome, HelpProblem>> {
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return err({ kind: 'not-set-up' });
    const now = this.now();
    const opened = openRequest({ id: newRecordId(), askerId, topic, anonymous, channelId: channelId ?? settings.circleChannelId, now });
    if (!opened.ok) return opened;
    const request = opened.value;
    await this.deps.queue.run(
      guildId,
      async (tx) => {
        await this.deps.requests.put(tx, request);
        await this.deps.requests.remember(tx, request.id);
        await this.record(tx, settings, [
          { id: newRecordId(), at: request.openedAt, kind: 'request-opened', requestId: request.id, memberId: askerId, anonymous },
        ]);
      },
      within,
    );
    const prefs = await this.deps.prefs.get(guildId, askerId);
    const promptsOff = prefs.helpingPromptsOffUntil !== null && Date.parse(prefs.helpingPromptsOffUntil) > now.getTime();
    const invitations = promptsOff
      ? []
      : (await this.deps.requests.open(guildId))
          .filter((entry) => entry.askerId !== askerId)
          .slice(-this.deps.rules.invitationsShown)
          .reverse();
    return ok({ request, settings, invitations });
  }

  /**
   * The outbox: open requests stored but never shown (the bot stopped between storing and posting),
   * and offers and anonymous additions on open requests likewise. Start-up posts them, once (their
   * posts carry nonces).
   */
  async unposted(guildId: string): Promise<{
    requests: HelpRequest[];
    offers: Array<{ request: HelpRequest; offer: Offer }>;
    additions: Array<{ request: HelpRequest; addition: RequestAddition & { words: string } }>;
  }> {
    const requests: HelpRequest[] = [];
    const offers: Array<{ request: HelpRequest; offer: Offer }> = [];
    const additions: Array<{ request: HelpRequest; addition: RequestAddition & { words: string } }> = [];
    for (const entry of await this.deps.requests.open(guildId)) {
      const request = await this.deps.requests.get(guildId, entry.id);
      if (!request) continue;
      if (!request.messageId) requests.push(request);
      for (const offer of request.offers) if (!offer.messageId) offers.push({ request, offer });
      for (const addition of request.additions ?? []) {
        if (!addition.messageId && addition.words !== undefined) additions.push({ request, addition: { ...addition, words: addition.words } });
      }
    }
    return { requests, offers, additions };
  }

  /** Where the request was posted; called once Discord accepted the post. */
  attachRequestPost(guildId: string, requestId: string, post: { messageId: string; threadId: string | null }): Promise<void> {
    return this.deps.queue.run(guildId, async (tx) => {
      const request = await this.deps.requests.get(guildId, requestId);
      if (request) await this.deps.requests.put(tx, { ...request, messageId: post.messageId, threadId: post.threadId });
    });
  }

  /** Undoes a request Discord would not show (for example a missing permission), so nothing is half-written. */
  withdrawUnpostedRequest(guildId: string, requestId: string, within?: GuildWrite): Promise<void> {
    return this.deps.queue.run(
      guildId,
      async (tx) => {
        await this.deps.requests.remove(tx, requestId);
        await this.deps.requests.forget(tx, [requestId]);
        await removeEvents(this.deps.ledger, tx, (event) => 'requestId' in event && event.requestId === requestId);
      },
      within,
    );
  }

  async offer(guildId: string, giverId: string, requestId: string, message: string | null, within?: GuildWrite): Promise<Result<OfferOutcome, HelpProblem>> {
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return err({ kind: 'not-set-up' });
    return this.deps.queue.run(
      guildId,
      async (tx) => {
        const request = await this.deps.requests.get(guildId, requestId);
        if (!request) return err({ kind: 'unknown-request' as const });
        const now = this.now();
        const added = addOffer(request, { id: newRecordId(), giverId, message, now });
        if (!added.ok) return added;
        const { offer } = added.value;
        await this.deps.requests.put(tx, added.value.request);
        await this.record(tx, settings, [
          { id: newRecordId(), at: offer.at, kind: 'offer-made', offerId: offer.id, requestId, giverId, receiverId: request.askerId },
        ]);
        const inviteToRest = await this.checkOverHelping(tx, settings, giverId, now);
        return ok({ request: added.value.request, offer, inviteToRest });
      },
      within,
    );
  }

  /**
   * An anonymous asker adds to their request; stored (words included) before it is posted, withdrawn if
   * Discord refuses at the time; one the bot stopped before posting is posted at start-up (the outbox).
   */
  async addToRequest(
    guildId: string,
    memberId: string,
    requestId: string,
    words: string,
  ): Promise<Result<{ request: HelpRequest; additionId: string }, HelpProblem>> {
    return this.deps.queue.run(guildId, async (tx) => {
      const request = await this.deps.requests.get(guildId, requestId);
      if (!request) return err({ kind: 'unknown-request' as const });
      const added = addToRequest(request, { id: newRecordId(), memberId, words, now: this.now() });
      if (!added.ok) return added;
      await this.deps.requests.put(tx, added.value.request);
      return ok({ request: added.value.request, additionId: added.value.addition.id });
    });
  }

  /**
   * Where an addition was posted (its words are then forgotten: they live in the post), or (messageId
   * null) that it never was: then it is forgotten whole.
   */
  attachAdditionPost(guildId: string, requestId: string, additionId: string, messageId: string | null): Promise<void> {
    return this.deps.queue.run(guildId, async (tx) => {
      const request = await this.deps.requests.get(guildId, requestId);
      if (!request) return;
      const additions = (request.additions ?? []).flatMap((addition): RequestAddition[] =>
        addition.id !== additionId ? [addition] : messageId ? [{ id: addition.id, at: addition.at, messageId }] : [],
      );
      await this.deps.requests.put(tx, { ...request, additions });
    });
  }

  attachOfferPost(guildId: string, requestId: string, offerId: string, messageId: string): Promise<void> {
    return this.deps.queue.run(guildId, async (tx) => {
      const request = await this.deps.requests.get(guildId, requestId);
      if (!request) return;
      const offers = request.offers.map((offer) => (offer.id === offerId ? { ...offer, messageId } : offer));
      await this.deps.requests.put(tx, { ...request, offers });
    });
  }

  async confirm(guildId: string, memberId: string, requestId: string, offerId: string): Promise<Result<{ request: HelpRequest; offer: Offer }, HelpProblem>> {
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return err({ kind: 'not-set-up' });
    return this.deps.queue.run(guildId, async (tx) => {
      const request = await this.deps.requests.get(guildId, requestId);
      if (!request) return err({ kind: 'unknown-request' as const });
      const confirmed = confirmOffer(request, offerId, memberId);
      if (!confirmed.ok) return confirmed;
      const { offer } = confirmed.value;
      await this.deps.requests.put(tx, confirmed.value.request);
      await this.record(tx, settings, [
        { id: newRecordId(), at: this.now().toISOString(), kind: 'offer-confirmed', offerId, requestId, giverId: offer.giverId, receiverId: memberId },
      ]);
      return confirmed;
    });
  }

  async close(guildId: string, memberId: string, requestId: string): Promise<Result<HelpRequest, HelpProblem>> {
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return err({ kind: 'not-set-up' });
    return this.deps.queue.run(guildId, async (tx) => {
      const request = await this.deps.requests.get(guildId, requestId);
      if (!request) return err({ kind: 'unknown-request' as const });
      const closed = closeRequest(request, memberId, this.now());
      if (!closed.ok) return closed;
      await this.deps.requests.put(tx, closed.value);
      await this.record(tx, settings, [{ id: newRecordId(), at: closed.value.closedAt!, kind: 'request-closed', requestId, memberId }]);
      return closed;
    });
  }

  request(guildId: string, requestId: string): Promise<HelpRequest | undefined> {
    return this.deps.requests.get(guildId, requestId);
  }

  /** Open requests a member could offer help on: newest first, never their own. */
  async openRequestsFor(guildId: string, memberId: string): Promise<OpenRequestEntry[]> {
    return (await this.deps.requests.open(guildId)).filter((entry) => entry.askerId !== memberId).reverse();
  }

  async stats(guildId: string, memberId: string): Promise<Result<MemberStats, HelpProblem>> {
    const settings = await this.deps.circle.settings(guildId);
    if (!settings) return err({ kind: 'not-set-up' });
    const now = this.now();
    const window = await this.windowTallies(guildId, settings, now);
    const weekRange = weekWindow(now, settings.timezone);
    const week = await this.deps.ledger.windowTallies(guildId, daysBetween(weekRange.from, weekRange.to, settings.timezone));
    const windowTally = window.get(memberId) ?? emptyTally(memberId);
    const weekTally = week.get(memberId) ?? emptyTally(memberId);
    const type = matonType(windowTally, groupMedians(window.values()), this.deps.rules.typing);
    const prefs = await this.deps.prefs.get(guildId, memberId);
    // A member still waiting for an answer hears that their request is open, never that they were quiet.
    const openRequests = (await this.deps.requests.open(guildId)).filter((entry) => entry.askerId === memberId).length;
    const asking = askingOf(openRequests, windowTally.requests);
    // The suggestion reflects the member's balance now; the weekly cooldown only limits unasked invitations.
    const overHelping = shouldInviteToRest(windowTally, null, now, this.deps.rules.overHelping);
    return ok({
      week: { ...weekTally },
      window: { ...windowTally },
      windowDays: this.deps.rules.windowDays,
      type,
      suggestion: suggestionFor(type, overHelping, asking, prefs.helpingPromptsOffUntil !== null && Date.parse(prefs.helpingPromptsOffUntil) > now.getTime()),
      asking,
      recordingPaused: prefs.recordingPaused,
    });
  }

  /** Turns off invitations to help others for a while (the over-helping guard's "off duty"). */
  pauseHelpingPrompts(guildId: string, memberId: string): Promise<Date> {
    return this.deps.queue.run(guildId, async (tx) => {
      const until = new Date(this.now().getTime() + this.deps.rules.helpingPromptsPauseDays * 86_400_000);
      const prefs = await this.deps.prefs.get(guildId, memberId);
      await this.deps.prefs.put(tx, memberId, { ...prefs, helpingPromptsOffUntil: until.toISOString() });
      return until;
    });
  }

  /** Undoes {@link pauseHelpingPrompts}; false when invitations were not paused (nothing changed). */
  resumeHelpingPrompts(guildId: string, memberId: string): Promise<boolean> {
    return this.deps.queue.run(guildId, async (tx) => {
      const prefs = await this.deps.prefs.get(guildId, memberId);
      const paused = prefs.helpingPromptsOffUntil !== null && Date.parse(prefs.helpingPromptsOffUntil) > this.now().getTime();
      if (prefs.helpingPromptsOffUntil !== null) await this.deps.prefs.put(tx, memberId, { ...prefs, helpingPromptsOffUntil: null });
      return paused;
    });
  }

  private windowTallies(guildId: string, settings: CircleSettings, now: Date) {
    const range = rollingWindow(now, this.deps.rules.windowDays, settings.timezone);
    return this.deps.ledger.windowTallies(guildId, daysBetween(range.from, range.to, settings.timezone));
  }

  /** Over-helping (Post): gave a lot, received and asked nothing; invite at most once per cooldown. */
  private async checkOverHelping(tx: GuildWrite, settings: CircleSettings, giverId: string, now: Date): Promise<boolean> {
    const tally = (await this.windowTallies(tx.guildId, settings, now)).get(giverId) ?? emptyTally(giverId);
    const prefs = await this.deps.prefs.get(tx.guildId, giverId);
    const last = prefs.lastRestInviteAt ? new Date(prefs.lastRestInviteAt) : null;
    if (!shouldInviteToRest(tally, last, now, this.deps.rules.overHelping)) return false;
    await this.deps.prefs.put(tx, giverId, { ...prefs, lastRestInviteAt: now.toISOString() });
    return true;
  }

  /** Appends events, leaving out any that name a member who paused recording (ledger-recording.ts). */
  private async record(tx: GuildWrite, settings: CircleSettings, events: LedgerEvent[]): Promise<void> {
    await recordEvents(this.deps, tx, settings.timezone, events);
  }
}
