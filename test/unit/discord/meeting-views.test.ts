import {
  ButtonStyle,
  ComponentType,
  TextInputStyle,
  type APIActionRowComponent,
  type APIModalInteractionResponseCallbackData,
  type APITextInputComponent,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import { splitCustomId } from '../../../src/discord/custom-id.ts';
import { offerForm } from '../../../src/discord/help-views.ts';
import { FORM_IDS, meetingStatus, meetingSteered, offerPick, rateForm, reportQuestion, roundOfferForm } from '../../../src/discord/meeting-views.ts';
import type { MeetingFormat } from '../../../src/domain/meetings/format.ts';
import { newMeetingRecord } from '../../../src/domain/meetings/meeting-record.ts';
import { startMeeting } from '../../../src/domain/meetings/meeting-state.ts';
import type { HelpRequest } from '../../../src/domain/requests/help-request.ts';
import type { PracticalTask } from '../../../src/domain/tasks/practical-task.ts';

/** The one text field of a form the bot opens. */
const fieldOf = (modal: APIModalInteractionResponseCallbackData) => (modal.components[0] as APIActionRowComponent<APITextInputComponent>).components[0]!;

const round = { meetingId: 'mtg1', roundIndex: 2 };
const NOW = new Date('2026-06-01T18:00:00.000Z');
const format = {
  name: 'short',
  rounds: [
    { id: 'a', minutes: 10, actions: ['check-in'] },
    { id: 'b', minutes: 10, actions: [] },
  ],
} as unknown as MeetingFormat;
const record = newMeetingRecord({ state: startMeeting({ id: 'mtg1', format, now: NOW, chairId: null }), guildId: 'g', channelId: 'c', startedBy: 'u' });
const seconds = (iso: string) => Date.parse(iso) / 1000;

const request = (id: string, topic: string) => ({ id, topic }) as HelpRequest;

describe("a meeting's offer menu", () => {
  it('GIVEN no open needs from others THEN the member is thanked, with no menu', () => {
    expect(offerPick(round, [])).toEqual({ content: 'There are no open requests from others in this meeting right now. Thank you for being ready to help.' });
  });

  it('GIVEN 30 needs, one topic over 100 characters THEN the menu holds the last 25, labels cut to 100 with an ellipsis, for this round', () => {
    const requests = Array.from({ length: 30 }, (_, index) => request(`r${index}`, index === 29 ? 'x'.repeat(150) : `Need ${index}`));
    const pick = offerPick(round, requests);
    const menu = pick.components![0]!.components[0]!;
    expect(menu.type).toBe(ComponentType.StringSelect);
    if (menu.type !== ComponentType.StringSelect) return;
    expect([menu.custom_id, menu.options.length, menu.options[0], menu.options.at(-1)!.label]).toEqual([
      'mtg-offer-select:mtg1:2',
      25,
      { label: 'Need 5', value: 'r5' },
      `${'x'.repeat(99)}…`,
    ]);
  });
});

describe("a meeting's forms", () => {
  it("GIVEN a need picked from the menu THEN its offer form is a request's offer form, reading the plain text field", () => {
    const form = roundOfferForm(round, 'req1');
    expect(form).toEqual({ ...offerForm('mtg-offer-modal:mtg1:2:req1', 'text') });
    expect(fieldOf(form)).toMatchObject({ custom_id: 'text', style: TextInputStyle.Paragraph, required: false, max_length: 1000 });
    expect(fieldOf(offerForm('help-offer-modal:req1'))).toMatchObject({
      custom_id: 'message',
      style: TextInputStyle.Paragraph,
      required: false,
      max_length: 1000,
    });
  });

  it("GIVEN a circle without a moderators' channel THEN the rating form says comments reach nobody", () => {
    const [toModerators, toNobody] = [rateForm(round, 4, true), rateForm(round, 4, false)];
    expect(toModerators.title).toBe('Rate the meeting: 4 of 5');
    expect(fieldOf(toModerators).label).toBe('A comment for the moderators? (optional)');
    expect(fieldOf(toNobody)).toMatchObject({
      label: 'Anything to add? (optional)',
      placeholder: expect.stringMatching(/^This circle has no moderators' channel/),
    });
    expect(FORM_IDS.rateModal.decode(splitCustomId(toNobody.custom_id).parts)).toEqual({ ok: true, value: { ...round, score: 4 } });
  });
});

describe('the task report question', () => {
  it('GIVEN no task THEN the member is told that is fine, with no buttons', () => {
    expect(reportQuestion(round, null).components).toBeUndefined();
  });

  it('GIVEN a task THEN Done, Partly and Not done carry the round and the outcome', () => {
    const question = reportQuestion(round, { text: 'Call my sister' } as PracticalTask);
    expect(question.content).toContain('Call my sister');
    expect(
      question.components![0]!.components.map((button) => [
        button.type === ComponentType.Button && 'label' in button && button.label,
        'style' in button && button.style,
        'custom_id' in button && button.custom_id,
      ]),
    ).toEqual([
      ['Done', ButtonStyle.Success, 'mtg-report-outcome:mtg1:2:done'],
      ['Partly', ButtonStyle.Primary, 'mtg-report-outcome:mtg1:2:partly'],
      ['Not done', ButtonStyle.Secondary, 'mtg-report-outcome:mtg1:2:not-done'],
    ]);
  });
});

describe('/meeting status and steering', () => {
  it('GIVEN a running round THEN it tells the round, when it ends and the attendance', () => {
    expect(meetingStatus({ ...record, attendees: ['a'] }, 'Check in', null).content).toBe(
      `Round 1 of 2: Check in. It ends <t:${seconds(record.state.roundEndsAt!)}:R>. 1 member has taken part so far.`,
    );
  });

  it('GIVEN a paused round with under half a minute left THEN it says at least 1 min', () => {
    const paused = { ...record, state: { ...record.state, status: 'paused' as const, roundEndsAt: null, remainingMs: 20_000 } };
    expect(meetingStatus(paused, 'Check in', 20_000).content).toBe('Round 1 of 2: Check in, paused with 1 min left. 0 members have taken part so far.');
  });

  it('GIVEN "next" past the last round THEN it says the meeting ended; otherwise the round moved to', () => {
    const ended = { ...record, state: { ...record.state, status: 'ended' as const } };
    expect(meetingSteered({ kind: 'next' }, ended, 'x').content).toBe('That was the last round, so the meeting has ended.');
    expect(meetingSteered({ kind: 'next' }, { ...record, state: { ...record.state, roundIndex: 1 } }, 'Share').content).toBe(
      'Moved on to round 2 of 2: Share.',
    );
  });
});
