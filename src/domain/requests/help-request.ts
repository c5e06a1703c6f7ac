import { err, ok, type Result } from '../result.ts';

export const TOPIC_MAX_LENGTH = 300;
export const OFFER_MESSAGE_MAX_LENGTH = 1000;

/** An offer of help on a request. Offers are never anonymous: the giver chose to step forward. */
export interface Offer {
  readonly id: string;
  readonly giverId: string;
  readonly message: string | null;
  readonly at: string;
  readonly confirmed: boolean;
  /** The bot's message showing the offer (in the request's thread). */
  readonly messageId: string | null;
}

/**
 * A member's request for help. `askerId` is kept so the asker can confirm offers and close the request
 * and so the ledger credits them; when `anonymous`, it is never sent to Discord.
 */
export interface HelpRequest {
  readonly id: string;
  readonly askerId: string;
  readonly topic: string;
  readonly anonymous: boolean;
  readonly status: 'open' | 'closed';
  readonly openedAt: string;
  readonly closedAt: string | null;
  readonly channelId: string;
  readonly messageId: string | null;
  readonly threadId: string | null;
  readonly offers: readonly Offer[];
  /**
   * What an anonymous asker added through the bot (so their name never shows): the bot's posts in the
   * thread, to remove on deletion. The words are stored only until posted, then live only in those
   * posts. Absent on older records.
   */
  readonly additions?: readonly RequestAddition[];
}

export interface RequestAddition {
  readonly id: string;
  readonly at: string;
  /** The bot's post of the addition, once Discord took it. */
  readonly messageId: string | null;
  /** The words, kept only while the addition waits to be posted (the outbox); absent once posted. */
  readonly words?: string;
}

export const ADDITION_MAX_LENGTH = 1000;

export type RequestProblem =
  | { readonly kind: 'topic-empty' }
  | { readonly kind: 'topic-too-long'; readonly length: number; readonly max: number }
  | { readonly kind: 'message-too-long'; readonly length: number; readonly max: number }
  | { readonly kind: 'own-request' }
  | { readonly kind: 'request-closed' }
  | { readonly kind: 'not-the-asker' }
  | { readonly kind: 'unknown-offer' }
  | { readonly kind: 'already-confirmed' };

export function openRequest(input: {
  readonly id: string;
  readonly askerId: string;
  readonly topic: string;
  readonly anonymous: boolean;
  readonly channelId: string;
  readonly now: Date;
}): Result<HelpRequest, RequestProblem> {
  const topic = input.topic.trim().replace(/\s+/g, ' ');
  if (topic.length === 0) return err({ kind: 'topic-empty' });
  if (topic.length > TOPIC_MAX_LENGTH) return err({ kind: 'topic-too-long', length: topic.length, max: TOPIC_MAX_LENGTH });
  return ok({
    id: input.id,
    askerId: input.askerId,
    topic,
    anonymous: input.anonymous,
    status: 'open',
    openedAt: input.now.toISOString(),
    closedAt: null,
    channelId: input.channelId,
    messageId: null,
    threadId: null,
    offers: [],
  });
}

export function addOffer(
  request: HelpRequest,
  input: { readonly id: string; readonly giverId: string; readonly message: string | null; readonly now: Date },
): Result<{ request: HelpRequest; offer: Offer }, RequestProblem> {
  if (request.askerId === input.giverId) return err({ kind: 'own-request' });
  if (request.status === 'closed') return err({ kind: 'request-closed' });
  const message = input.message?.trim() || null;
  if (message && message.length > OFFER_MESSAGE_MAX_LENGTH) {
    return err({ kind: 'message-too-long', length: message.length, max: OFFER_MESSAGE_MAX_LENGTH });
  }
  const offer: Offer = { id: input.id, giverId: input.giverId, message, at: input.now.toISOString(), confirmed: false, messageId: null };
  return ok({ request: { ...request, offers: [...request.offers, offer] }, offer });
}

/** Only the asker can say an offer helped; saying it twice changes nothing. */
export function confirmOffer(request: HelpRequest, offerId: string, memberId: string): Result<{ request: HelpRequest; offer: Offer }, RequestProblem> {
  if (request.askerId !== memberId) return err({ kind: 'not-the-asker' });
  const offer = request.offers.find((candidate) => candidate.id === offerId);
  if (!offer) return err({ kind: 'unknown-offer' });
  if (offer.confirmed) return err({ kind: 'already-confirmed' });
  const confirmed = { ...offer, confirmed: true };
  return ok({ request: { ...request, offers: request.offers.map((o) => (o.id === offerId ? confirmed : o)) }, offer: confirmed });
}

/**
 * An anonymous asker adds to their open request through the bot, so writing in the thread does not
 * show their name. Only the asker, only while open, only words that fit.
 */
export function addToRequest(
  request: HelpRequest,
  input: { readonly id: string; readonly memberId: string; readonly words: string; readonly now: Date },
): Result<{ request: HelpRequest; addition: RequestAddition }, RequestProblem> {
  if (request.askerId !== input.memberId) return err({ kind: 'not-the-asker' });
  if (request.status === 'closed') return err({ kind: 'request-closed' });
  const words = input.words.trim();
  if (words.length === 0) return err({ kind: 'topic-empty' });
  if (words.length > ADDITION_MAX_LENGTH) return err({ kind: 'message-too-long', length: words.length, max: ADDITION_MAX_LENGTH });
  const addition: RequestAddition = { id: input.id, at: input.now.toISOString(), messageId: null, words };
  return ok({ request: { ...request, additions: [...(request.additions ?? []), addition] }, addition });
}

/** Only the asker closes their request (the feature Python Discord's help channels found most wanted). */
export function closeRequest(request: HelpRequest, memberId: string, now: Date): Result<HelpRequest, RequestProblem> {
  if (request.askerId !== memberId) return err({ kind: 'not-the-asker' });
  if (request.status === 'closed') return err({ kind: 'request-closed' });
  return ok({ ...request, status: 'closed', closedAt: now.toISOString() });
}
