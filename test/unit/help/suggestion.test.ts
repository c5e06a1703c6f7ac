import { describe, expect, it } from 'vitest';
import { askingOf, suggestionFor } from '../../../src/domain/help/suggestion.ts';

describe('/stats never calls a member who asked "quiet"', () => {
  it("GIVEN an open request of the member's THEN they are asking, and it is open", () => {
    expect(askingOf(1, 1)).toBe('open');
  });

  it('GIVEN a request in the window and none open now THEN they asked', () => {
    expect(askingOf(0, 2)).toBe('asked');
  });

  it('GIVEN no request at all THEN they are not asking', () => {
    expect(askingOf(0, 0)).toBe('none');
  });

  it('GIVEN no help given or received and a request still open THEN the suggestion reassures them while they wait', () => {
    expect(suggestionFor('low', false, 'open')).toBe('suggest.waiting');
  });

  it('GIVEN no help given or received and a request that is closed THEN the suggestion is about asking again, whenever they like', () => {
    expect(suggestionFor('low', false, 'asked')).toBe('suggest.asked');
  });

  it('GIVEN a member who mostly gives and has asked THEN they are thanked for bringing a need, not told to bring one', () => {
    expect(suggestionFor('provider', false, 'open')).toBe('suggest.providerAsked');
  });

  it('GIVEN over-helping and an open request THEN the invitation to rest still comes first', () => {
    expect(suggestionFor('low', true, 'open')).toBe('suggest.rest');
  });

  it('GIVEN a member who paused invitations to help THEN a receiver or a quiet member is not invited to offer', () => {
    expect(suggestionFor('receiver', false, 'none', true)).toBe('suggest.paused');
    expect(suggestionFor('low', false, 'none', true)).toBe('suggest.paused');
  });

  it('GIVEN a member who paused invitations and is waiting on a request THEN they still hear it is open', () => {
    expect(suggestionFor('low', false, 'open', true)).toBe('suggest.waiting');
  });
});
