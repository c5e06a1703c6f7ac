import { ComponentType, TextInputStyle, type APIModalInteractionResponseCallbackData } from 'discord.js';

/** The id of a form's one text field, unless the form names another. */
export const TEXT_FIELD = 'text';

/** Discord's limits on a modal's title, a text input's label and its placeholder. */
const TITLE_MAX = 45;
const LABEL_MAX = 45;
const PLACEHOLDER_MAX = 100;

export interface TextModalOptions {
  readonly customId: string;
  readonly title: string;
  readonly label: string;
  readonly required: boolean;
  readonly maxLength: number;
  readonly placeholder?: string;
  /** A paragraph rather than one line. */
  readonly long?: boolean;
  /** The field's id, read back from the submitted form (default {@link TEXT_FIELD}). */
  readonly field?: string;
}

/** A form with one text field: every form the bot opens (check-in, needs, offers, tasks, ratings, additions). */
export function textModal(options: TextModalOptions): APIModalInteractionResponseCallbackData {
  return {
    custom_id: options.customId,
    title: options.title.slice(0, TITLE_MAX),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: options.field ?? TEXT_FIELD,
            style: options.long ? TextInputStyle.Paragraph : TextInputStyle.Short,
            label: options.label.slice(0, LABEL_MAX),
            required: options.required,
            max_length: options.maxLength,
            ...(options.placeholder ? { placeholder: options.placeholder.slice(0, PLACEHOLDER_MAX) } : {}),
          },
        ],
      },
    ],
  };
}
