import { describe, expect, it } from 'vitest';
import { statsEmbed, statsReply } from '../../../src/discord/stats-views.ts';
import type { MemberStats } from '../../../src/services/help-service.ts';

const tally = (given: number, received: number, requests: number) => ({ memberId: 'm', given, received, requests, confirmedGiven: 0, confirmedReceived: 0 });

const stats: MemberStats = {
  week: tally(1, 0, 0),
  window: tally(3, 2, 1),
  windowDays: 28,
  type: 'bidirectional',
  suggestion: 'suggest.receiver',
  asking: 'none',
  recordingPaused: false,
};

const prompts = { helping: 'Who did you help?', needs: 'What would help you?' };

describe('the /stats embed', () => {
  it('GIVEN a member who gives and receives THEN the fields are this week, the window, how they take part and a thought, with the footer', () => {
    const embed = statsEmbed(stats, null);
    expect(embed.title).toBe('Your picture in the circle');
    expect(embed.fields).toEqual([
      { name: 'This week', value: 'Help given: 1\nHelp received: 0\nRequests made: 0', inline: true },
      { name: 'Last 28 days', value: 'Help given: 3\nHelp received: 2\nRequests made: 1', inline: true },
      { name: 'How you take part', value: 'Giving and receiving help' },
      { name: 'A thought', value: "When you feel up to it, offering help on someone's request can help you too: /offer lists open requests." },
    ]);
    expect(embed.footer).toEqual({ text: 'Only you can see this. There are no rankings.' });
  });

  it("GIVEN this week's reflection questions THEN they come last, as the reflection asks them", () => {
    const last = statsEmbed(stats, prompts).fields!.at(-1);
    expect(last).toEqual({
      name: "This week's questions, the same the circle's reflection asks",
      value: '**To reflect on:** Who did you help?\n**Looking ahead:** What support would you like next week? What would help you?',
    });
  });

  it('GIVEN a quiet member whose request is open THEN they are told it is waiting, never that they are quiet', () => {
    const embed = statsEmbed({ ...stats, type: 'low', asking: 'open' }, null);
    expect(embed.description).toMatch(/^You asked for help, and your request is still open\./);
    expect(embed.fields![2]).toEqual({ name: 'How you take part', value: 'Asking for help: your request is open' });
  });

  it('GIVEN a quiet member who asked lately THEN asking counts as a contribution', () => {
    expect(statsEmbed({ ...stats, type: 'low', asking: 'asked' }, null).fields![2]!.value).toBe('Bringing a need to the circle');
  });

  it('GIVEN a giver with an open request and counting paused THEN the description says both, in that order', () => {
    const parts = statsEmbed({ ...stats, type: 'provider', asking: 'open', recordingPaused: true }, null).description!.split('\n\n');
    expect(parts).toEqual([
      "You've mostly been giving help to others lately.",
      'Your request is still open, and the circle has been invited to help with it.',
      "Counting your help is paused, so new help you give or receive isn't counted. /privacy resume turns it back on.",
    ]);
  });

  it('GIVEN the reply THEN it is the embed alone', () => {
    expect(statsReply(stats, null)).toEqual({ embeds: [statsEmbed(stats, null)] });
  });
});
