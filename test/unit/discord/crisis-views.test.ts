import { ButtonStyle, ComponentType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { alertMessage } from '../../../src/discord/crisis-care.ts';
import { checkInAnswer, crisisResources, takenAlert } from '../../../src/discord/crisis-views.ts';
import type { CrisisAlert } from '../../../src/domain/safety/crisis-alert.ts';

const settings = { crisisResources: 'Call 116 123 or see https://example.org/help', modChannelId: '500', crisisPingRoleId: null };

describe('/crisis', () => {
  it("GIVEN a moderators' channel THEN the resources come with the check-in button, then their link", () => {
    const answer = crisisResources(settings);
    expect(answer.content!.split('\n\n')).toEqual([
      'This circle is peer support, not a crisis service. If you are struggling or might be in danger, please reach out now:',
      settings.crisisResources,
      "What you wrote stays private. If you'd like, a moderator can check in with you: they'll only be told that you asked, never what you wrote.",
    ]);
    const buttons = answer.components![0]!.components;
    expect(buttons.map((button) => 'style' in button && button.style)).toEqual([ButtonStyle.Primary, ButtonStyle.Link]);
    expect(buttons[0]).toMatchObject({ type: ComponentType.Button, custom_id: 'crisis-check-in' });
  });

  it('GIVEN no circle set-up THEN the neutral default, no check-in button, and a moderator to message', () => {
    const answer = crisisResources(undefined);
    expect(answer.content).toMatch(/\n\nIf you'd like a person to talk to, please message a moderator of this server\.$/);
    expect(answer.components).toEqual([]);
  });

  it('GIVEN the check-in could not be delivered THEN the resources follow, without the check-in button', () => {
    const failed = checkInAnswer('failed', settings);
    expect(failed.content).toContain(`\n\n${settings.crisisResources}`);
    expect(failed.components![0]!.components.every((button) => 'style' in button && button.style === ButtonStyle.Link)).toBe(true);
  });
});

describe('an alert taken', () => {
  const alert = {
    id: 'al1',
    source: 'check-in-request',
    memberId: '42',
    anonymous: false,
    what: 'crisis',
    link: null,
    terms: [],
    raisedAt: '2026-06-01T18:00:00.000Z',
    channelId: '500',
    messageId: 'm1',
    takenBy: '7',
    takenAt: '2026-06-01T18:05:00.000Z',
    followUp: 'posted',
    followUpMessageId: 'm2',
    redacted: false,
  } as CrisisAlert;

  it('GIVEN "I\'m on it" pressed on the alert itself THEN it shows the alert, taken, without its button', () => {
    expect(takenAlert(alert, settings, 'm1')).toEqual({
      content: alertMessage(alert, settings).content,
      components: [],
    });
  });

  it('GIVEN it pressed on the follow-up THEN that post just says who is on it, since when', () => {
    const at = new Date(alert.takenAt!);
    expect(takenAlert(alert, settings, 'm2')).toEqual({
      content: `<@7> is on it (since <t:${at.getTime() / 1000}:R>).`,
      components: [],
    });
  });
});
