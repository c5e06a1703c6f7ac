import type { MatonType } from './maton.ts';

/**
 * The one gentle suggestion /stats shows. Keys only: the warm wording lives in data/ texts, so it
 * can be changed without touching the rule. A receiver is invited to offer, a provider is reminded
 * that bringing a need is a contribution and rest is fine, a low supporter is welcomed.
 */
export type SuggestionKey = 'suggest.receiver' | 'suggest.provider' | 'suggest.bidirectional' | 'suggest.low' | 'suggest.rest';

export const SUGGESTION_KEYS: readonly SuggestionKey[] = ['suggest.receiver', 'suggest.provider', 'suggest.bidirectional', 'suggest.low', 'suggest.rest'];

/** Over-helping wins over the type: the member needs an invitation to rest more than anything else. */
export function suggestionFor(type: MatonType, overHelping: boolean): SuggestionKey {
  if (overHelping) return 'suggest.rest';
  return `suggest.${type}`;
}
