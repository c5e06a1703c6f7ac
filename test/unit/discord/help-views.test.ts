import {
  ButtonStyle,
  ComponentType,
  TextInputStyle,
  type APIActionRowComponent,
  type APIModalInteractionResponseCallbackData,
  type APITextInputComponent,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import { additionForm, offerMade, requestChoices, requestOfferForm, requestPosted } from '../../../src/discord/help-views.ts';
import { textModal } from '../../../src/discord/text-modal.ts';
import type { HelpRequest } from '../../../src/domain/requests/help-request.ts';
import type { AskOutcome } from '../../../src/services/help-service.ts';

/** The one text field of a form the bot opens. */
const fieldOf = (modal: APIModalInteractionResponseCallbackData) => (modal.components[0] as APIActionRowComponent<APITextInputComponent>).components[0]!;

const request = (id: string, topic: string, anonymous = false) => ({ id, topic, anonymous, channelId: '900' }) as HelpRequest;

describe("/offer's suggestions", () => {
  it('GIVEN what the member typed THEN only matching topics are offered, case aside, at most 25, long topics cut to 100', () => {
    const open = [
      request('a', 'Moving HOUSE'),
      request('b', 'Cooking'),
      request('c', `house ${'y'.repeat(120)}`),
      ...Array.from({ length: 30 }, (_, index) => request(`h${index}`, `house ${index}`)),
    ];
    const choices = requestChoices(open, '  House ');
    expect([choices.length, choices[0], choices[1]!.name.length, choices[1]!.name.endsWith('…')]).toEqual([
      25,
      { name: 'Moving HOUSE', value: 'a' },
      100,
      true,
    ]);
    expect(requestChoices(open, '').length).toBe(25);
  });
});

describe('the forms opened from a request', () => {
  it("GIVEN \"I can help\" THEN the form asks for optional words under the request's id, in the 'message' field", () => {
    expect(requestOfferForm(request('r1', 't'))).toEqual({
      custom_id: 'help-offer-modal:r1',
      title: 'Offer help',
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            {
              type: ComponentType.TextInput,
              custom_id: 'message',
              style: TextInputStyle.Paragraph,
              label: 'What would you like to say? (optional)',
              placeholder: "For example: I've been through something similar and found it helped to...",
              required: false,
              max_length: 1000,
            },
          ],
        },
      ],
    });
  });

  it('GIVEN "Add to this request" THEN the words are required, in the text field', () => {
    expect(fieldOf(additionForm(request('r1', 't')))).toMatchObject({ custom_id: 'text', required: true, max_length: 1000, style: TextInputStyle.Paragraph });
    expect(additionForm(request('r1', 't')).custom_id).toBe('help-add-modal:r1');
  });

  it("GIVEN texts over Discord's limits THEN the one modal builder cuts title and label to 45 and the placeholder to 100, and leaves out an empty placeholder", () => {
    const modal = textModal({ customId: 'x', title: 't'.repeat(60), label: 'l'.repeat(60), placeholder: 'p'.repeat(150), required: true, maxLength: 5 });
    expect([modal.title.length, fieldOf(modal).label?.length, fieldOf(modal).placeholder?.length, fieldOf(modal).style]).toEqual([
      45,
      45,
      100,
      TextInputStyle.Short,
    ]);
    expect('placeholder' in fieldOf(textModal({ customId: 'x', title: 't', label: 'l', placeholder: '', required: true, maxLength: 5 }))).toBe(false);
  });
});

describe("the asker's and the giver's answers", () => {
  const asked = (anonymous: boolean, invitations: HelpRequest[]) => ({ request: request('r1', 'mine', anonymous), invitations }) as unknown as AskOutcome;

  it('GIVEN open requests from others THEN the asker is invited to help, one button each, topics cut to 80', () => {
    const answer = requestPosted(asked(false, [request('o1', 'z'.repeat(90)), request('o2', 'Short')]), false);
    expect(answer.content).toMatch(/^Your request is up in <#900>\. .*\n\nIf you need help, help others\./s);
    expect(answer.components![0]!.components).toEqual([
      { type: ComponentType.Button, style: ButtonStyle.Secondary, label: `${'z'.repeat(79)}…`, custom_id: 'help-offer:o1' },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Short', custom_id: 'help-offer:o2' },
    ]);
  });

  it('GIVEN words that called for crisis care THEN the asker is asked nothing: no invitation, no buttons', () => {
    const answer = requestPosted(asked(true, [request('o1', 'other')]), true);
    expect(answer).toEqual({ content: expect.stringMatching(/^Your request is up in <#900> without your name\./), components: [] });
  });

  it('GIVEN a giver invited to rest THEN the thanks carries the invitation and its pause button; otherwise thanks alone', () => {
    expect(offerMade(false)).toEqual({ content: "Thank you: your offer is in the request's thread. Helping someone often helps the helper too." });
    const rest = offerMade(true);
    expect(rest.content).toContain("\n\nYou've been giving a lot of help lately.");
    expect(rest.components![0]!.components).toEqual([
      { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Pause invitations to help', custom_id: 'help-pause-prompts' },
    ]);
  });
});
