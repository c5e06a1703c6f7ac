import { ButtonStyle, ComponentType, type APIModalInteractionResponseCallbackData, type ApplicationCommandOptionChoiceData } from 'discord.js';
import { z } from 'zod';
import { ADDITION_MAX_LENGTH, OFFER_MESSAGE_MAX_LENGTH, type HelpRequest } from '../domain/requests/help-request.ts';
import type { AskOutcome } from '../services/help-service.ts';
import { text } from '../texts/texts.ts';
import { customIdCodec, idPart } from './custom-id.ts';
import { HELP_IDS } from './help-posts.ts';
import type { Reply } from './reply.ts';
import { textModal, TEXT_FIELD } from './text-modal.ts';
import { discordTime } from './discord-time.ts';

/**
 * What seeking and giving help looks like to the member who acts: the forms opened from a request's
 * buttons, and the private answers to `/ask`, `/offer` and the buttons on request and offer posts
 * (the public posts themselves are help-posts.ts').
 */

/** The forms opened from a request's buttons: `help-offer-modal:<requestId>`, `help-add-modal:<requestId>` (handled in commands/ask.ts). */
export const HELP_FORM_IDS = {
  offerModal: customIdCodec('help-offer-modal', z.object({ requestId: idPart })),
  addModal: customIdCodec('help-add-modal', z.object({ requestId: idPart })),
};

/** A break from invitations to help, and its undoing (handled in commands/offer.ts). */
export const PROMPTS_IDS = {
  /** "Take a break from invitations to help", after an offer when the giver has been giving a lot. */
  pause: customIdCodec('help-pause-prompts'),
  /** "Turn invitations back on", under the answer to "take a break". */
  resume: customIdCodec('help-resume-prompts'),
};

/** The offer form's field on a request's "I can help" form (a meeting's offer form uses the plain text field). */
export const OFFER_FIELD = 'message';

/** The words of a topic as a choice or a button label: cut to `max` characters, with an ellipsis. */
export function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/** Discord's limit on a choice's or a select option's label. */
const CHOICE_MAX = 100;

/** A request as a choice (autocomplete, a select's option): its topic, cut to Discord's 100 characters. */
export const topicChoiceLabel = (topic: string) => truncate(topic, CHOICE_MAX);

/** The "I can help" form, from a request's button or a meeting's offer round: the offer's words, optional. */
export function offerForm(customId: string, field: string = OFFER_FIELD): APIModalInteractionResponseCallbackData {
  return textModal({
    customId,
    field,
    title: text('offer.modal.title'),
    label: text('offer.modal.label'),
    placeholder: text('offer.modal.placeholder'),
    required: false,
    maxLength: OFFER_MESSAGE_MAX_LENGTH,
    long: true,
  });
}

/** The "I can help" form opened from a request's button. */
export const requestOfferForm = (request: HelpRequest) => offerForm(HELP_FORM_IDS.offerModal.encode({ requestId: request.id }));

/** "Add to this request": the anonymous asker's words, posted by the bot without a name. */
export function additionForm(request: HelpRequest): APIModalInteractionResponseCallbackData {
  return textModal({
    customId: HELP_FORM_IDS.addModal.encode({ requestId: request.id }),
    field: TEXT_FIELD,
    title: text('add.modal.title'),
    label: text('add.modal.label'),
    placeholder: text('add.modal.placeholder'),
    required: true,
    maxLength: ADDITION_MAX_LENGTH,
    long: true,
  });
}

/**
 * The asker's private answer: confirmation and, unless their words called for crisis care, an
 * invitation to help others (a crisis reply never asks anything of the member).
 */
export function requestPosted({ request, invitations }: AskOutcome, inCrisis: boolean): Reply {
  const content = text(request.anonymous ? 'ask.confirmed.anonymous' : 'ask.confirmed', { channel: request.channelId });
  if (inCrisis || invitations.length === 0) return { content, components: [] };
  return {
    content: `${content}\n\n${text('ask.invitation')}`,
    components: [
      {
        type: ComponentType.ActionRow,
        components: invitations.map((entry) => ({
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          label: truncate(entry.topic, 80),
          custom_id: HELP_IDS.offerButton.encode({ requestId: entry.id }),
        })),
      },
    ],
  };
}

/** The giver's answer once their offer shows; `inviteToRest` adds the invitation to take a break, with its button. */
export function offerMade(inviteToRest: boolean): Reply {
  if (!inviteToRest) return { content: text('offer.done') };
  return {
    content: `${text('offer.done')}\n\n${text('offer.restInvite')}`,
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Secondary, label: text('offer.button.pausePrompts'), custom_id: PROMPTS_IDS.pause.encode([]) },
        ],
      },
    ],
  };
}

/** Open requests from others matching what the member typed, as `/offer` suggests them (Discord shows 25). */
export function requestChoices(open: readonly Pick<HelpRequest, 'id' | 'topic'>[], typed: string): ApplicationCommandOptionChoiceData<string>[] {
  const query = typed.trim().toLowerCase();
  return open
    .filter((entry) => query === '' || entry.topic.toLowerCase().includes(query))
    .slice(0, 25)
    .map((entry) => ({ name: topicChoiceLabel(entry.topic), value: entry.id }));
}

export const requestClosed = (): Reply => ({ content: text('close.done') });

export const additionPosted = (): Reply => ({ content: text('add.done') });

export const offerConfirmed = (): Reply => ({ content: text('confirm.done') });

/** Invitations to help are off until `until`; the pause can be undone from the same message (or with /privacy resume). */
export function promptsPaused(until: Date): Reply {
  return {
    content: text('offer.promptsPaused', { until: discordTime(until, 'D') }),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Secondary, label: text('offer.button.resumePrompts'), custom_id: PROMPTS_IDS.resume.encode([]) },
        ],
      },
    ],
  };
}

/** `resumed`: invitations were off and are back on. */
export const promptsResumed = (resumed: boolean): Reply => ({ content: text(resumed ? 'offer.promptsResumed' : 'offer.promptsNotPaused') });
