/** Renders what members would see in Discord as plain text for the demo's transcript. */

interface ShownMessage {
  readonly content?: string | null;
  readonly embeds?: ReadonlyArray<{ title?: string; description?: string; fields?: ReadonlyArray<{ name: string; value: string }> }>;
  readonly ephemeral?: boolean;
}

export function printAction(actor: string, action: string): void {
  process.stdout.write(`\n${actor}  ${action}\n`);
}

/** What Discord shows for mentions and timestamps, given the names of the demo's channels, roles and people. */
export function asDiscordShowsIt(raw: string, names: ReadonlyMap<string, string>): string {
  return raw
    .replace(/<#(\d+)>/g, (_, id: string) => `#${names.get(id) ?? 'unknown-channel'}`)
    .replace(/<@&(\d+)>/g, (_, id: string) => `@${names.get(id) ?? 'unknown-role'}`)
    .replace(/<@!?(\d+)>/g, (_, id: string) => `@${names.get(id) ?? 'unknown-user'}`)
    .replace(/<t:(\d+)(?::([tTdDfFR]))?>/g, (_, seconds: string) => new Date(Number(seconds) * 1000).toUTCString());
}

export function printAnswer(who: string, message: ShownMessage, names: ReadonlyMap<string, string>): void {
  const heading = message.ephemeral ? `  Helper Circle (only ${who} sees this):` : '  Helper Circle posts:';
  const lines: string[] = [];
  if (message.content) lines.push(...message.content.split('\n'));
  for (const embed of message.embeds ?? []) {
    if (embed.title) lines.push(`[ ${embed.title} ]`);
    if (embed.description) lines.push(...embed.description.split('\n'));
    for (const field of embed.fields ?? []) lines.push(`${field.name}: ${field.value.replaceAll('\n', ', ')}`);
  }
  process.stdout.write(`${heading}\n${lines.map((line) => `    ${asDiscordShowsIt(line, names)}`).join('\n')}\n`);
}

export function printNote(note: string): void {
  process.stdout.write(`\n-- ${note}\n`);
}
