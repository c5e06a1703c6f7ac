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
