import type { InteractionHandle } from './interactions.ts';
import type { Sandbox } from './sandbox.ts';
import type { SandboxMessage } from './types.ts';

/**
 * The custom id of the button a member would press, found by its label, as a person finds it on
 * screen. Throws when the message has no such button, so a script notices a missing action at once.
 */
export function buttonCustomId(message: Pick<SandboxMessage, 'id' | 'components'>, label: string): string {
  for (const row of (message.components ?? []) as Array<{ components?: Array<{ label?: string; custom_id?: string }> }>) {
    for (const component of row.components ?? []) {
      if (component.label === label && component.custom_id) return component.custom_id;
    }
  }
  throw new Error(`No button labelled "${label}" on message ${message.id}`);
}

/**
 * What a member does with a button that opens a form: press it, fill in the form's fields, submit.
 * Returns the handle of the submission, whose `reply()` is the bot's answer to it.
 */
export async function pressAndSubmit(
  sandbox: Sandbox,
  input: { userId: string; guildId: string; message: SandboxMessage; label: string; fields: Record<string, string> },
): Promise<InteractionHandle> {
  const click = await sandbox.clickButton({ userId: input.userId, message: input.message, customId: buttonCustomId(input.message, input.label) });
  const modal = (await click.modal()) as { custom_id: string };
  return sandbox.submitModal({
    userId: input.userId,
    guildId: input.guildId,
    channelId: input.message.channel_id,
    customId: modal.custom_id,
    fields: input.fields,
  });
}
