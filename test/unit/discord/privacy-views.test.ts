import { ButtonStyle, ComponentType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { splitCustomId } from '../../../src/discord/custom-id.ts';
import { dataItems, deletionDone, deletionQuestion, PRIVACY_IDS, privacyShown } from '../../../src/discord/privacy-views.ts';
import type { DataCounts, PrivacySummary } from '../../../src/services/privacy-service.ts';

const noData: DataCounts = {
  requests: 0,
  offers: 0,
  tasks: 0,
  ledgerEvents: 0,
  prefs: false,
  meeting: null,
  checkInPosts: 0,
  namedAsChair: false,
  chairRotation: null,
  crisisAlerts: 0,
  alertsTaken: 0,
};

const emptySummary: PrivacySummary = {
  requests: { open: 0, closed: 0, anonymous: 0 },
  offersMade: 0,
  tasks: 0,
  ledgerEvents: 0,
  recordingPaused: false,
  helpingPromptsOffUntil: null,
  hasPrefs: false,
  retentionDays: 90,
  meeting: null,
  checkInPosts: 0,
  namedAsChair: false,
  chairRotation: null,
  crisisAlerts: 0,
  alertsTaken: 0,
};

const meetingPart = {
  meetingId: 'm1',
  startedAt: '2026-06-01T18:00:00.000Z',
  endedAt: null,
  tookPart: true,
  rating: { score: 4, comment: 'kind' },
  startedIt: true,
  chaired: false,
  invitedToChair: true,
};

describe('the list of what /privacy delete removes', () => {
  it('GIVEN one of each counted kind THEN each line reads in the singular, in the fixed order, settings last', () => {
    const lines = dataItems({
      ...noData,
      requests: 1,
      offers: 1,
      tasks: 1,
      ledgerEvents: 1,
      checkInPosts: 1,
      crisisAlerts: 1,
      prefs: true,
      namedAsChair: true,
      chairRotation: { optedIn: true, lastChairedAt: null },
    }).split('\n');
    expect(lines).toEqual([
      '• 1 help request you made',
      '• 1 offer of help you made',
      '• 1 practical task',
      '• 1 entry in the private tally of help you gave and received',
      '• 1 check-in you shared in a meeting thread',
      '• Your name as chair in meeting posts',
      '• Your choice about chairing meetings',
      expect.stringMatching(/^• 1 note to the moderators about you \(a crisis alert\)/),
      '• Your settings (whether your help is counted, paused invitations)',
    ]);
  });

  it('GIVEN several of a kind THEN the plural reads with the count', () => {
    expect(dataItems({ ...noData, requests: 3, ledgerEvents: 12 })).toBe(
      '• 3 help requests you made\n• 12 entries in the private tally of help you gave and received',
    );
  });

  it('GIVEN their part in the last meeting THEN it is one line of plain phrases (started, not chaired; rated with a comment; invited)', () => {
    expect(dataItems({ ...noData, meeting: meetingPart })).toBe(
      '• Your part in the last meeting: that you took part, your rating and its comment, that you started it, that you were invited to chair it',
    );
  });

  it('GIVEN a voice meeting that keeps only their time in voice and their turn THEN the line names both instead of ending empty', () => {
    const voiceOnly = {
      ...meetingPart,
      tookPart: false,
      rating: null,
      startedIt: false,
      invitedToChair: false,
      timeInVoice: { ms: 60_000, since: null },
      speakingTurn: { turn: 'waiting' as const, laterUsed: false },
    };
    expect(dataItems({ ...noData, meeting: voiceOnly })).toBe('• Your part in the last meeting: your time in voice so far, your turn in the speaking order');
  });

  it('GIVEN nothing THEN there are no lines', () => {
    expect(dataItems(noData)).toBe('');
  });
});

describe('the delete confirmation', () => {
  it('GIVEN nothing kept THEN it says there is nothing to delete, without buttons', () => {
    expect(deletionQuestion(emptySummary, '111', 'tok')).toEqual({
      content: 'Helper Circle keeps nothing about you in this server, so there is nothing to delete.',
    });
  });

  it('GIVEN requests and offers THEN it lists them, says what happens to their posts, and offers Delete and Keep for this member only', () => {
    const answer = deletionQuestion({ ...emptySummary, requests: { open: 1, closed: 1, anonymous: 0 }, offersMade: 1 }, '111', 'm2q8xk1c');
    expect(answer.content).toContain('• 2 help requests you made\n• 1 offer of help you made\n\nYour request posts will say they were removed');
    expect(answer.content).toContain('The posts of your offers are deleted.');
    expect(answer.content).toContain('This button works for 10 minutes.');
    const buttons = answer.components![0]!.components;
    expect(buttons.map((button) => [button.type, 'style' in button && button.style, 'custom_id' in button && button.custom_id])).toEqual([
      [ComponentType.Button, ButtonStyle.Danger, 'privacy-delete:111:m2q8xk1c'],
      [ComponentType.Button, ButtonStyle.Secondary, 'privacy-keep:111'],
    ]);
    const { parts } = splitCustomId('privacy-delete:111:m2q8xk1c');
    expect(PRIVACY_IDS.confirmDelete.decode(parts)).toEqual({ ok: true, value: { ownerId: '111', token: 'm2q8xk1c' } });
  });

  it('GIVEN the deletion done THEN the question is replaced (no buttons) by what was removed, posts cleaned and any that could not be', () => {
    const done = deletionDone({ ...noData, tasks: 2 }, { cleaned: 1, failed: 2 });
    expect(done.components).toEqual([]);
    const parts = done.content!.split('\n\n');
    expect(parts[0]).toBe('Deleted. This is what was removed:\n• 2 practical tasks');
    expect(parts[1]).toBe('1 post in Discord was deleted or edited so it no longer shows your words or name.');
    expect(parts.at(-1)).toMatch(/^I couldn't clean up 2 posts or thread titles/);
  });

  it('GIVEN no post cleaned and none failed THEN only the removed list and the closing words show', () => {
    const done = deletionDone({ ...noData, offers: 1 }, { cleaned: 0, failed: 0 });
    expect(done.content).toMatch(/^Deleted\. This is what was removed:\n• 1 offer of help you made\n\nCounting your help is on for anything new/);
  });
});

describe('/privacy show', () => {
  it('GIVEN nothing kept THEN it says so, then the recording choice and how long things stay', () => {
    const parts = privacyShown(emptySummary).content!.split('\n\n');
    expect(parts.map((part) => part.slice(0, 40))).toEqual([
      'Helper Circle keeps nothing about you in',
      '**Counting your help is on**: help you g',
      'Entries in your private tally are delete',
    ]);
  });

  it('GIVEN anonymous requests, a meeting and invitations paused THEN each is told, with dates Discord localises', () => {
    const content = privacyShown({
      ...emptySummary,
      requests: { open: 1, closed: 2, anonymous: 1 },
      meeting: meetingPart,
      helpingPromptsOffUntil: '2026-06-10T00:00:00.000Z',
      recordingPaused: true,
    }).content!;
    expect(content).toContain('• **Help requests you made: 3** (1 open, 2 closed; 1 without your name).');
    expect(content).toContain(`• **The last meeting** (<t:${Date.parse(meetingPart.startedAt) / 1000}:D>): that you took part,`);
    expect(content).toContain(`**Invitations to help others are paused** until <t:${Date.parse('2026-06-10T00:00:00.000Z') / 1000}:D>.`);
    expect(content).toContain('**Counting your help is paused**');
  });
});
