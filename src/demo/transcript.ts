/** Renders what members would see in Discord as plain text for the demo's transcript. */

interface ShownMessage {
  readonly content?: string | null;
  readonly embeds?: ReadonlyArray<{ title?: string; description?: string; fields?: ReadonlyArray<{ name: string; value: string }> }>;
  readonly ephemeral?: boolean;
}

export function printAction(actor: string, action: string): void {
  process.stdout.write(`\n${actor}  ${action}\n`);
}

export function printAnswer(who: string, message: ShownMessage): void {
  const heading = message.ephemeral ? `  Helper Circle (only ${who} sees this):` : '  Helper Circle:';
  const lines: string[] = [];
  if (message.content) lines.push(...message.content.split('\n'));
  for (const embed of message.embeds ?? []) {
    if (embed.title) lines.push(`[ ${embed.title} ]`);
    if (embed.description) lines.push(...embed.description.split('\n'));
    for (const field of embed.fields ?? []) lines.push(`${field.name}: ${field.value}`);
  }
  process.stdout.write(`${heading}\n${lines.map((line) => `    ${line}`).join('\n')}\n`);
}

export function printNote(note: string): void {
  process.stdout.write(`\n-- ${note}\n`);
}
