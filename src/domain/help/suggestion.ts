import type { MatonType } from './maton.ts';

/**
 * The one gentle suggestion /stats shows. Keys only: the warm wording lives in data/ texts, so it
 * can be changed without touching the rule. A receiver is invited to offer, a provider is reminded
 * that bringing a need is a contribution and rest is fine (or thanked for bringing one), a member who
 * has neither given nor received is welcomed, and one who asked and is still waiting is reassured that
 * their request stays open, never told to help first.
 */
export type SuggestionKey =
  | 'suggest.receiver'
  | 'suggest.provider'
  | 'suggest.providerAsked'
  | 'suggest.bidirectional'
  | 'suggest.low'
  | 'suggest.waiting'
  | 'suggest.asked'
  | 'suggest.rest'
  | 'suggest.paused';

/**
 * Where the member's own asking stands: a request of theirs is still `open`, they `asked` in the window
 * (and none is open now), or `none`.
 */
export type Asking = 'open' | 'asked' | 'none';

/** Whether the member has an open request, or asked in the window. */
export function askingOf(openRequests: number, requestsInWindow: number): Asking {
  if (openRequests > 0) return 'open';
  return requestsInWindow > 0 ? 'asked' : 'none';
}

/**
 * Over-helping wins over the type: the member needs an invitation to rest more than anything else.
 * A member who paused invitations to help is never invited to offer (the break covers /stats too).
 */
export function suggestionFor(type: MatonType, overHelping: boolean, asking: Asking = 'none', invitationsPaused = false): SuggestionKey {
  if (overHelping) return 'suggest.rest';
  if (invitationsPaused && asking === 'none' && (type === 'receiver' || type === 'low')) return 'suggest.paused';
  if (type === 'low' && asking === 'open') return 'suggest.waiting';
  if (type === 'low' && asking === 'asked') return 'suggest.asked';
  if (type === 'provider' && asking !== 'none') return 'suggest.providerAsked';
  return `suggest.${type}`;
}
