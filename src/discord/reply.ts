import type {
  APIActionRowComponent,
  APIComponentInMessageActionRow,
  APIEmbed,
  APIModalInteractionResponseCallbackData,
  AttachmentPayload,
  MessageMentionOptions,
} from 'discord.js';

/**
 * What a handler wants the member to see. Handlers return this instead of talking to Discord, so the
 * router alone decides between reply, edit-after-defer and update, and applies the mention policy.
 */
export interface Reply {
  readonly content?: string;
  readonly embeds?: readonly APIEmbed[];
  readonly components?: readonly APIActionRowComponent<APIComponentInMessageActionRow>[];
  readonly files?: readonly AttachmentPayload[];
  /** Only the member sees it. The default: most answers are personal. */
  readonly ephemeral?: boolean;
  /** Who may be pinged. Nobody unless a handler says so explicitly. */
  readonly allowedMentions?: MessageMentionOptions;
}

/** A handler's outcome: a reply, a modal to open, or an update of the message a component sits on. */
export type Outcome =
  | { readonly kind: 'reply'; readonly reply: Reply }
  | { readonly kind: 'modal'; readonly modal: APIModalInteractionResponseCallbackData }
  | { readonly kind: 'update'; readonly reply: Reply };

export const reply = (value: Reply): Outcome => ({ kind: 'reply', reply: value });
export const showModal = (modal: APIModalInteractionResponseCallbackData): Outcome => ({ kind: 'modal', modal });
export const updateMessage = (value: Reply): Outcome => ({ kind: 'update', reply: value });

/** The client-wide and per-message default: user-supplied text can never ping anyone. */
export const NO_MENTIONS: MessageMentionOptions = { parse: [], repliedUser: false };

/**
 * An expected failure a member can act on (bad input, missing set-up, no permission): the router
 * answers it ephemerally, in plain words, and logs it at debug level only.
 */
export class UserFacingError extends Error {
  constructor(readonly userMessage: string) {
    super(userMessage);
    this.name = 'UserFacingError';
  }
}

/** A member's own words as a block quote, line by line, so their new lines stay inside it. */
export function quoteLines(words: string): string {
  return words
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}
